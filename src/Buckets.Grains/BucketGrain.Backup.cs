using Buckets.Abstractions;
using Buckets.Abstractions.Backup;
using Buckets.Core;
using Buckets.Englang;
using Buckets.Grains.Backup;

namespace Buckets.Grains;

/// <summary>The backup side of a bucket: rehydration with fencing epochs (see <see cref="BackupLink"/>), pulls, acknowledgements, pushes, and keeping unstored changes in memory until stored.</summary>
public sealed partial class BucketGrain
{
    private readonly BackupLink _link = new();
    private bool _listedDirty;
    private long _reportedUnstoredBytes;
    private Task? _loading;

    public ValueTask<ChangeBatch?> CollectChangesAsync(int maxChanges)
    {
        var batch = _link.Sends ? BuildBatch(maxChanges) : null;
        if (batch is null)
        {
            // Nothing to send (or this copy may not send): the silo's view of it must say so.
            ReportMetrics();
        }

        return ValueTask.FromResult(batch);
    }

    public ValueTask AcknowledgeAsync(BackupAck ack)
    {
        Apply(ack);
        ReportMetrics();
        return ValueTask.CompletedTask;
    }

    public ValueTask<ChangeBatch?> AcknowledgeAndCollectAsync(BackupAck? ack, int maxChanges)
    {
        if (ack is not null)
        {
            Apply(ack);
        }

        return CollectChangesAsync(maxChanges);
    }

    /// <summary>True while memory holds changes the backup server has not stored: memory is their only copy.</summary>
    private bool HoldsUnstoredChanges =>
        _link.Sends && _map.Journal is { } journal && (journal.Count > 0 || journal.NeedsSnapshot || _link.SnapshotOwed);

    /// <summary>
    /// Keeps the silo's view of this bucket's unstored changes true: their bytes count against the
    /// silo's budget, the bucket is listed for the next pull, and it is never idle-collected while
    /// it holds some (deactivation would drop them; <c>OnDeactivateAsync</c> is only best effort).
    /// </summary>
    private void TrackUnstoredChanges()
    {
        var bytes = _map.Journal?.Bytes ?? 0;
        _dirty.AddUnstoredBytes(bytes - _reportedUnstoredBytes);
        _reportedUnstoredBytes = bytes;
        var holds = HoldsUnstoredChanges;
        if (holds == _listedDirty)
        {
            return;
        }

        _listedDirty = holds;
        if (holds)
        {
            _dirty.Mark(BucketId);
            DelayDeactivation(Timeout.InfiniteTimeSpan);
        }
        else
        {
            _dirty.Clear(BucketId);
            DelayDeactivation(TimeSpan.Zero);
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

        return _link.IsLoaded ? ValueTask.CompletedTask : new ValueTask(_loading ??= RehydrateOnceAsync());
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
        if (_metadata.RecordExists && _metadata.State.Durability == Durability.Cache)
        {
            // Nothing of a cache bucket is kept, so it starts empty without the backup server (and
            // keeps working while that server is down). It opens an epoch before it records anything.
            _map = new BucketMap(_limits, _metadata.State.LastSeq);
            _policy = new BucketPolicy(Durability.Cache, _metadata.State.DefaultTtlSeconds);
            ResetJournal();
            _link.StartCacheOnly();
            return;
        }

        var grant = await OpenEpochOrUnavailableAsync();
        ReplayState state;
        try
        {
            state = EnglangBatches.Load(grant.Snapshot, Now);
        }
        catch (InvalidDataException e)
        {
            GrainsLog.RehydrateFailed(_logger, BucketId, e);
            throw Unavailable("The bucket's saved state could not be read; an operator must check its backup.");
        }

        // Without a backup server nothing is kept, whatever a bucket would choose: say so.
        var policy = _backup.IsEnabled ? EnglangBatches.Policy(state) : EnglangBatches.Policy(state) with { Durability = Durability.Cache };
        ReplaceState(state, Math.Max(grant.LastSeq, state.LastSeq), policy);
        _link.Open(grant.Epoch);
        GrainsLog.Activated(_logger, BucketId, _map.StoredCount, _map.LastSeq, _link.Epoch);
    }

    private async Task<BackupEpoch> OpenEpochOrUnavailableAsync()
    {
        try
        {
            return await _backup.OpenEpochAsync(BucketId, CancellationToken.None);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            GrainsLog.RehydrateFailed(_logger, BucketId, e);
            throw Unavailable("The bucket's saved state could not be loaded from the backup server; retry shortly.");
        }
    }

    private void ReplaceState(ReplayState state, long lastSeq, BucketPolicy policy)
    {
        LoadState(state, lastSeq, policy);
        EnsureExpiryTimer();
        ReportMetrics();
    }

    private void LoadState(ReplayState state, long lastSeq, BucketPolicy policy)
    {
        var map = new BucketMap(_limits, lastSeq);
        foreach (var (key, entry) in state.Entries)
        {
            map.Load(key, new BucketEntry(entry.Value, entry.Version, entry.ExpiresAt?.UtcTicks ?? 0));
        }

        _map = map;
        _policy = policy;
        ResetJournal();
    }

    private void ResetJournal()
    {
        var journaled = _backup.IsEnabled && _policy.Durability != Durability.Cache;
        _map.Journal = journaled ? new ChangeJournal(_options.JournalCapacity, _map.LastSeq, _options.JournalMaxBytes) : null;
        _link.SettleSnapshot();
        ReportMetrics();
    }

    private ChangeBatch? BuildBatch(int maxChanges)
    {
        if (_map.Journal is not { } journal)
        {
            return null;
        }

        if (!_link.SnapshotOwed && journal.ChangesAfter(journal.AcknowledgedSeq, maxChanges) is { } changes)
        {
            if (changes.Count == 0)
            {
                return null;
            }

            var (englang, toSeq) = EnglangBatches.Changes(BucketId, changes, _options.BatchMaxBytes);
            return new ChangeBatch(BucketId, _link.Epoch, false, toSeq, englang);
        }

        return SnapshotBatch(_map, _policy);
    }

    private ChangeBatch SnapshotBatch(BucketMap map, BucketPolicy policy)
    {
        var now = Now;
        IEnumerable<KeyValuePair<string, BucketEntry>> entries = policy.Durability == Durability.Cache ? [] : map.LiveEntries(now);
        return new ChangeBatch(BucketId, _link.Epoch, true, map.LastSeq, EnglangBatches.Snapshot(BucketId, now, map.LastSeq, policy, entries));
    }

    /// <summary>Critical buckets: every pending change must be durable before the write is acknowledged.</summary>
    private async Task PushPendingAsync()
    {
        // Batches are bounded in bytes, so several may be needed; each stored one shrinks the journal.
        while (BuildBatch(int.MaxValue) is { } batch)
        {
            var ack = await StoreAsync(batch);
            if (ack.Status is AckStatus.Gap or AckStatus.Invalid or AckStatus.Conflict)
            {
                // Apply renumbered the bucket above the backup on a conflict; the snapshot carries the state there.
                batch = SnapshotBatch(_map, _policy);
                ack = await StoreAsync(batch);
            }

            if (ack.Status != AckStatus.Stored || ack.LastSeq < batch.ToSeq)
            {
                throw Unavailable("The write was applied in memory but the backup server did not confirm it as durable; read it back or retry.");
            }
        }
    }

    /// <summary>Sends a batch and applies the answer; any failure becomes "unavailable" for the caller.</summary>
    private async Task<BackupAck> StoreAsync(ChangeBatch batch)
    {
        BackupAck ack;
        try
        {
            ack = await _backup.AppendAsync(batch, CancellationToken.None);
        }
        catch (Exception e)
        {
            GrainsLog.PushFailed(_logger, BucketId, batch.ToSeq, e);
            throw Unavailable("The backup server did not confirm the change; it is not acknowledged as durable. Retry shortly.");
        }

        Apply(ack);
        if (ack.Status == AckStatus.StaleEpoch)
        {
            throw Unavailable("This copy of the bucket was superseded by a newer one; retry.");
        }

        return ack;
    }

    private void Apply(BackupAck ack)
    {
        if (!_link.Accepts(ack.Epoch))
        {
            return;
        }

        switch (ack.Status)
        {
            case AckStatus.Stored:
                _map.Journal?.Acknowledge(ack.LastSeq);
                // The backup holds everything up to ack.LastSeq (a snapshot taken at S is acknowledged
                // at S even when the bucket changed since); once the journal holds every change after
                // that, incremental changes follow. Waiting for ack.LastSeq == LastSeq instead would
                // make a busy bucket send a snapshot on every pull.
                if (_map.Journal is { } journal && journal.HoldsChangesAfter(ack.LastSeq))
                {
                    _link.SettleSnapshot();
                }

                break;
            case AckStatus.StaleEpoch:
                _link.Fence();
                GrainsLog.Fenced(_logger, BucketId, _link.Epoch);
                DeactivateOnIdle();
                break;
            case AckStatus.Conflict:
                // The backup holds other changes under our numbers (metadata lagged the backup): number
                // on above what it holds and send the whole state, so nothing stored is overwritten silently.
                _map.ResetSequence(Math.Max(_map.LastSeq, ack.LastSeq) + 1);
                ResetJournal();
                _link.OweSnapshot();
                GrainsLog.SnapshotRequested(_logger, BucketId, ack.Status.ToString(), ack.LastSeq);
                break;
            default:
                _link.OweSnapshot();
                GrainsLog.SnapshotRequested(_logger, BucketId, ack.Status.ToString(), ack.LastSeq);
                break;
        }
    }

    private async Task FlushBestEffortAsync(CancellationToken cancellationToken)
    {
        while (_link.Sends && !cancellationToken.IsCancellationRequested && BuildBatch(int.MaxValue) is { } batch)
        {
            try
            {
                var ack = await _backup.AppendAsync(batch, cancellationToken);
                Apply(ack);
                if (ack.Status != AckStatus.Stored || ack.LastSeq < batch.ToSeq)
                {
                    return;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                GrainsLog.PushFailed(_logger, BucketId, batch.ToSeq, e);
                return;
            }
        }
    }

    private BucketUnavailableException Unavailable(string message) => new(message, _options.RetryAfterSeconds);
}
