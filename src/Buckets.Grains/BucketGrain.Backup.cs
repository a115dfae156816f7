using Buckets.Abstractions;
using Buckets.Abstractions.Backup;
using Buckets.Core;
using Buckets.Englang;
using Buckets.Grains.Backup;

namespace Buckets.Grains;

/// <summary>
/// The backup side of a bucket: rehydration with epochs won from a majority of its replicas (see
/// <see cref="BackupLink"/> and <see cref="EpochElection"/>), pulls and acknowledgements per replica
/// (<see cref="ReplicaTracks"/>), quorum pushes, and keeping unstored changes in memory until stored.
/// The protocol is docs/backup-protocol.md.
/// </summary>
public sealed partial class BucketGrain
{
    // A journal this far towards either of its bounds (here half) is pushed instead of waiting for pulls.
    private const int EarlyPushJournalFraction = 2;

    private readonly BackupLink _link = new();
    private readonly ReplicaTracks _tracks = new();
    // Pushes running per replica id; created by the first push (cache buckets and most standard ones never push).
    private Dictionary<string, Task>? _pushes;

    private Dictionary<string, Task> Pushes => _pushes ??= new(StringComparer.OrdinalIgnoreCase);
    private ulong _listedMask;
    private bool _heldAlive;
    private long _reportedUnstoredBytes;
    private Task? _loading;
    private DateTimeOffset _earlyPushesFrom;

    public ValueTask<ChangeBatch?> CollectChangesAsync(string replica, int maxChanges)
    {
        var batch = _link.Sends ? BuildBatch(replica, maxChanges) : null;
        if (batch is null)
        {
            // Nothing to send (or this copy may not send): the silo's view of it must say so.
            ReportMetrics();
        }

        return ValueTask.FromResult(batch);
    }

    public ValueTask AcknowledgeAsync(string replica, BackupAck ack)
    {
        Apply(replica, ack);
        ReportMetrics();
        return ValueTask.CompletedTask;
    }

    public ValueTask<ChangeBatch?> AcknowledgeAndCollectAsync(string replica, BackupAck? ack, int maxChanges)
    {
        if (ack is not null)
        {
            Apply(replica, ack);
        }

        return CollectChangesAsync(replica, maxChanges);
    }

    public ValueTask ForgetReplicaAsync(string replica)
    {
        if (_tracks.Contains(replica))
        {
            _tracks.Forget(replica);
            GrainsLog.ReplicaForgotten(_logger, BucketId, replica);
            ReportMetrics();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>True while a replica the journal waits for lacks changes memory holds: memory is their only copy there.</summary>
    private bool HoldsUnstoredChanges => _link.Sends && _map.Journal is not null && _tracks.AnyWaitedForBehind(_map.LastSeq);

    /// <summary>
    /// Keeps the silo's view of this bucket's unstored changes true: their bytes count against the
    /// silo's budget, the bucket is listed for the pulls of the replicas that lack changes, it is never
    /// idle-collected while memory holds changes a replica waited for lacks (deactivation would drop
    /// them; <c>OnDeactivateAsync</c> is only best effort), and a replica that stays behind too long is
    /// left to catch up from a snapshot so the journal does not grow for it.
    /// </summary>
    private void TrackUnstoredChanges()
    {
        var mask = _link.Sends && _map.Journal is not null ? _tracks.BehindMask(_map.LastSeq) : 0;
        if (mask != 0 && _map.Journal is { } journal)
        {
            foreach (var replica in _tracks.LeaveStragglers(_map.LastSeq, journal.Bytes, Now, _replicationOptions))
            {
                GrainsLog.ReplicaLeftBehind(_logger, BucketId, replica, journal.Bytes);
            }

            journal.Acknowledge(_tracks.TrimPoint(_map.LastSeq));
        }

        var bytes = _map.Journal?.Bytes ?? 0;
        _dirty.AddUnstoredBytes(bytes - _reportedUnstoredBytes);
        _reportedUnstoredBytes = bytes;
        if (mask != _listedMask)
        {
            _listedMask = mask;
            if (mask != 0)
            {
                _dirty.Mark(BucketId, mask);
            }
            else
            {
                _dirty.Clear(BucketId);
            }
        }

        var holds = HoldsUnstoredChanges;
        if (holds != _heldAlive)
        {
            _heldAlive = holds;
            DelayDeactivation(holds ? Timeout.InfiniteTimeSpan : TimeSpan.Zero);
        }
    }

    /// <summary>Backpressure: past the silo's budget of unstored bytes a write is refused before it changes anything.</summary>
    private void RequireRoomForUnstoredChanges()
    {
        if (_map.Journal is null || _dirty.UnstoredBytes < _options.UnstoredBytesBudget)
        {
            return;
        }

        GrainsLog.UnstoredBudgetReached(_logger, BucketId, _dirty.UnstoredBytes, _options.UnstoredBytesBudget);
        throw Unavailable("Writes are paused: the backup service is behind and this server already holds as many unsaved changes as it may. Nothing was written; retry shortly.");
    }

    private ValueTask EnsureReadyAsync()
    {
        if (_link.IsFenced)
        {
            throw Unavailable("This copy of the bucket was superseded by a newer one; retry.");
        }

        if (_link.IsLoaded)
        {
            return ValueTask.CompletedTask;
        }

        if (_loading is null)
        {
            // A rehydration that finished at once (a failure before any await) is not kept for the next call.
            var loading = RehydrateOnceAsync();
            _loading = loading.IsCompleted ? null : loading;
            return new ValueTask(loading);
        }

        return new ValueTask(_loading);
    }

    /// <summary>
    /// One rehydration however many calls wait for it: an export runs interleaved with the bucket's
    /// other calls and must not open a second epoch beside theirs. A failure lets the next call retry.
    /// </summary>
    private async Task RehydrateOnceAsync()
    {
        try
        {
            await RehydrateAsync();
        }
        finally
        {
            _loading = null;
        }
    }

    private async Task RehydrateAsync()
    {
        var known = _metadata.RecordExists ? _metadata.State.Durability : null;
        if (known == Durability.Cache || !_replicas.IsEnabled)
        {
            // Nothing of a cache bucket is kept, so it starts empty without the backup server (and
            // keeps working while that server is down). It opens an epoch before it records anything.
            // Without any backup server every bucket is a cache bucket.
            _map = new BucketMap(_limits, _metadata.RecordExists ? _metadata.State.LastSeq : 0);
            _policy = new BucketPolicy(Durability.Cache, _metadata.RecordExists ? _metadata.State.DefaultTtlSeconds : null);
            ResetJournal(backupHoldsState: true);
            _link.StartCacheOnly();
            return;
        }

        var elected = await ElectOrUnavailableAsync(known ?? BucketPolicy.Default.Durability);
        ReplayState state;
        try
        {
            state = EnglangBatches.Load(elected.Snapshot, Now);
        }
        catch (InvalidDataException e)
        {
            GrainsLog.RehydrateFailed(_logger, BucketId, e);
            throw Unavailable("The bucket's saved state could not be read; an operator must check its backup.");
        }

        ReplaceState(state, Math.Max(elected.LastSeq, state.LastSeq), EnglangBatches.Policy(state), backupHoldsState: true);
        foreach (var replica in _tracks.Replicas)
        {
            // Replicas whose copy is not the chosen one (behind, diverged, or silent) get the state whole.
            if (!elected.Holding.Contains(replica.Id))
            {
                _tracks.OweSnapshot(replica.Id);
            }
        }

        _link.Open(elected.Epoch);
        ReportMetrics();
        GrainsLog.Activated(_logger, BucketId, _map.StoredCount, _map.LastSeq, _link.Epoch);
    }

    /// <summary>The replicas that keep a bucket of this class; a cache bucket's policy is kept where a standard bucket's would be.</summary>
    private IReadOnlyList<BackupReplica> ReplicasFor(Durability durability) =>
        _replicas.For(BucketId, durability == Durability.Cache ? Durability.Standard : durability);

    private async Task<ElectedEpoch> ElectOrUnavailableAsync(Durability durability)
    {
        try
        {
            return await EpochElection.ElectAsync(BucketId, ReplicasFor(durability), CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            GrainsLog.RehydrateFailed(_logger, BucketId, e);
            throw Unavailable(e is QuorumUnavailableException
                ? $"Too few of the backup servers keeping this bucket answered ({e.Message}); it cannot be loaded safely. Retry shortly."
                : "The bucket's saved state could not be loaded from the backup server; retry shortly.");
        }
    }

    private void ReplaceState(ReplayState state, long lastSeq, BucketPolicy policy, bool backupHoldsState)
    {
        LoadState(state, lastSeq, policy, backupHoldsState);
        EnsureExpiryTimer();
        ReportMetrics();
    }

    private void LoadState(ReplayState state, long lastSeq, BucketPolicy policy, bool backupHoldsState)
    {
        var map = new BucketMap(_limits, lastSeq);
        foreach (var (key, entry) in state.Entries)
        {
            map.Load(key, new BucketEntry(entry.Value, entry.Version, entry.ExpiresAt?.UtcTicks ?? 0));
        }

        _map = map;
        _policy = policy;
        ResetJournal(backupHoldsState);
    }

    /// <summary>A fresh journal at the last change; the replicas of the current class hold the state there, or are owed it whole.</summary>
    private void ResetJournal(bool backupHoldsState)
    {
        var journaled = _replicas.IsEnabled && _policy.Durability != Durability.Cache;
        _map.Journal = journaled ? new ChangeJournal(_options.JournalCapacity, _map.LastSeq, _options.JournalMaxBytes) : null;
        _tracks.Reset(journaled ? ReplicasFor(_policy.Durability) : [], _map.LastSeq, snapshotOwed: !backupHoldsState);
        ReportMetrics();
    }

    private ChangeBatch? BuildBatch(string replica, int maxChanges)
    {
        if (_map.Journal is not { } journal || !_tracks.Contains(replica))
        {
            return null;
        }

        if (!_tracks.NeedsSnapshot(replica, journal) && journal.TryRead(_tracks.StoredBy(replica), maxChanges, out var changes))
        {
            if (changes.Count == 0)
            {
                return null;
            }

            var (englang, toSeq) = EnglangBatches.Changes(BucketId, changes, _options.BatchMaxBytes);
            return new ChangeBatch(BucketId, _link.Epoch, false, toSeq, englang);
        }

        _tracks.SnapshotSent(replica, _map.LastSeq);
        return SnapshotBatch(_map, _policy);
    }

    private ChangeBatch SnapshotBatch(BucketMap map, BucketPolicy policy)
    {
        var now = Now;
        IEnumerable<KeyValuePair<string, BucketEntry>> entries = policy.Durability == Durability.Cache ? [] : map.LiveEntries(now);
        return new ChangeBatch(BucketId, _link.Epoch, true, map.LastSeq, EnglangBatches.Snapshot(BucketId, now, map.LastSeq, policy, entries));
    }

    /// <summary>
    /// Critical buckets: the pending changes are pushed to every replica at once, and the write is
    /// answered once the write quorum stored them. Pushes to the slower replicas go on afterwards; a
    /// replica already being pushed to is not sent a second push (the running one carries every change).
    /// </summary>
    private async Task PushToQuorumAsync(int quorum)
    {
        var target = _map.LastSeq;
        var pushes = Pushes;
        foreach (var replica in _tracks.Replicas)
        {
            if (!pushes.TryGetValue(replica.Id, out var running) || running.IsCompleted)
            {
                pushes[replica.Id] = PushAsync(replica);
            }
        }

        while (_tracks.HoldingCount(target) < quorum && !_link.IsFenced)
        {
            var running = pushes.Values.Where(push => !push.IsCompleted).ToList();
            if (running.Count == 0)
            {
                break;
            }

            await Task.WhenAny(running);
        }

        if (_link.IsFenced)
        {
            throw Unavailable("This copy of the bucket was superseded by a newer one; the write is not acknowledged. Retry.");
        }

        var holding = _tracks.HoldingCount(target);
        if (holding < quorum)
        {
            throw Unavailable($"The write was applied in memory but only {holding} of the {_tracks.Count} backup servers keeping this bucket confirmed it as durable, and {quorum} must; it is not acknowledged. Read it back or retry.");
        }
    }

    /// <summary>
    /// A standard bucket sends its new changes to its replicas at once, instead of waiting for their
    /// next pull, when waiting would cost: its change feed is followed (readers see a change only once
    /// a replica stored it: within an fsync, not a pull interval), or its journal is half full (a pull
    /// takes at most <c>Backup:Pull:MaxChangesPerBatch</c> changes of a bucket per round, so one bucket
    /// written faster than that would overflow its journal into a whole snapshot, built in the grain).
    /// A push already running carries every later change; after a failed push the pulls carry them
    /// for <c>Buckets:Grain:EarlyPushRetryDelay</c>.
    /// </summary>
    private void PushEarly()
    {
        if (_policy.Durability != Durability.Standard || !_link.Sends || _map.Journal is not { } journal || Now < _earlyPushesFrom
            || (_feedWindow is null && journal.Count < _options.JournalCapacity / EarlyPushJournalFraction && journal.Bytes < _options.JournalMaxBytes / EarlyPushJournalFraction))
        {
            return;
        }

        var pushes = Pushes;
        foreach (var replica in _tracks.Replicas)
        {
            if (_tracks.StoredBy(replica.Id) < _map.LastSeq && (!pushes.TryGetValue(replica.Id, out var running) || running.IsCompleted))
            {
                pushes[replica.Id] = PushAsync(replica);
            }
        }
    }

    /// <summary>Sends one replica every batch it lacks until it holds them all, the link stops sending, or it fails.</summary>
    private async Task PushAsync(BackupReplica replica)
    {
        try
        {
            // A refused batch (gap, conflict) makes the next one a snapshot; a second refusal in a row ends the push.
            var refusals = 0;
            while (_link.Sends && refusals < 2 && BuildBatch(replica.Id, int.MaxValue) is { } batch)
            {
                var ack = await replica.Client.AppendAsync(batch, CancellationToken.None);
                Apply(replica.Id, ack);
                refusals = ack.Status == AckStatus.Stored ? 0 : refusals + 1;
                if (ack.Status == AckStatus.StaleEpoch || (ack.Status == AckStatus.Stored && ack.LastSeq < batch.ToSeq))
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _earlyPushesFrom = Now + _options.EarlyPushRetryDelay;
            GrainsLog.PushFailed(_logger, BucketId, replica.Id, _map.LastSeq, e);
        }
        finally
        {
            ReportMetrics();
        }
    }

    private void Apply(string replica, BackupAck ack)
    {
        if (!_link.Accepts(ack.Epoch))
        {
            return;
        }

        switch (ack.Status)
        {
            case AckStatus.Stored:
                // The replica holds everything up to ack.LastSeq (a snapshot taken at S is acknowledged
                // at S even when the bucket changed since); once the journal holds every change after
                // that, incremental changes follow.
                _tracks.Stored(replica, ack.LastSeq, _map.Journal);
                _map.Journal?.Acknowledge(_tracks.TrimPoint(_map.LastSeq));

                // Readers see a change once the backup holds it: a push that goes on storing must not keep them waiting for its end.
                WakeFeedReaders();
                break;
            case AckStatus.StaleEpoch:
                _link.Fence();
                UpdateDirectReads();
                GrainsLog.Fenced(_logger, BucketId, _link.Epoch);
                DeactivateOnIdle();
                break;
            case AckStatus.Conflict:
                // The replica holds other changes under our numbers (metadata lagged the backup, or an
                // older activation wrote there): number on above what it holds and send every replica the
                // whole state, so nothing stored is overwritten silently.
                _map.ResetSequence(Math.Max(_map.LastSeq, ack.LastSeq) + 1);
                ResetJournal(backupHoldsState: false);
                GrainsLog.SnapshotRequested(_logger, BucketId, replica, ack.Status.ToString(), ack.LastSeq);
                break;
            default:
                _tracks.OweSnapshot(replica);
                GrainsLog.SnapshotRequested(_logger, BucketId, replica, ack.Status.ToString(), ack.LastSeq);
                break;
        }
    }

    /// <summary>A graceful stop: every replica gets what it lacks, as far as the time allows.</summary>
    private async Task FlushBestEffortAsync(CancellationToken cancellationToken)
    {
        if (!_link.Sends)
        {
            return;
        }

        await Task.WhenAll(_tracks.Replicas.Select(async replica =>
        {
            while (_link.Sends && !cancellationToken.IsCancellationRequested && BuildBatch(replica.Id, int.MaxValue) is { } batch)
            {
                try
                {
                    var ack = await replica.Client.AppendAsync(batch, cancellationToken);
                    Apply(replica.Id, ack);
                    if (ack.Status != AckStatus.Stored || ack.LastSeq < batch.ToSeq)
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    GrainsLog.PushFailed(_logger, BucketId, replica.Id, batch.ToSeq, e);
                    return;
                }
            }
        }));
    }

    private BucketUnavailableException Unavailable(string message) => new(message, _options.RetryAfterSeconds);
}
