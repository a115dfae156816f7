using Buckets.Abstractions;
using Buckets.Abstractions.Backup;
using Buckets.Core;
using Buckets.Englang;
using Buckets.Grains.Backup;

namespace Buckets.Grains;

/// <summary>The backup side of a bucket: rehydration with fencing epochs, pulls, acknowledgements and pushes.</summary>
public sealed partial class BucketGrain
{
    private long _epoch;
    private bool _fenced;
    private bool _forceSnapshot;

    private bool IsReady => _epoch != 0 && !_fenced;

    public ValueTask<ChangeBatch?> CollectChangesAsync(int maxChanges)
    {
        var batch = IsReady ? BuildBatch(maxChanges) : null;
        if (batch is null)
        {
            _dirty.Clear(BucketId);
        }

        return ValueTask.FromResult(batch);
    }

    public ValueTask AcknowledgeAsync(BackupAck ack)
    {
        Apply(ack);
        ReportMetrics();
        if (_map.Journal is not { Count: > 0 } && !_forceSnapshot)
        {
            _dirty.Clear(BucketId);
        }

        return ValueTask.CompletedTask;
    }

    private ValueTask EnsureReadyAsync()
    {
        if (_fenced)
        {
            throw Unavailable("This copy of the bucket was superseded by a newer one; retry.");
        }

        return _epoch != 0 ? ValueTask.CompletedTask : new ValueTask(RehydrateAsync());
    }

    private async Task RehydrateAsync()
    {
        if (_metadata.RecordExists && _metadata.State.Durability == Durability.Cache)
        {
            // Nothing of a cache bucket is kept, so it starts empty without the backup server (and
            // keeps working while that server is down). Epoch -1: ready, but no epoch yet.
            _map = new BucketMap(_limits, _metadata.State.LastSeq);
            _policy = new BucketPolicy(Durability.Cache, _metadata.State.DefaultTtlSeconds);
            ResetJournal();
            _epoch = -1;
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
        _epoch = grant.Epoch;
        GrainsLog.Activated(_logger, BucketId, _map.StoredCount, _map.LastSeq, _epoch);
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
        _map.Journal = journaled ? new ChangeJournal(_options.JournalCapacity, _map.LastSeq) : null;
        _forceSnapshot = false;
        if (!journaled)
        {
            _dirty.Clear(BucketId);
        }
    }

    private ChangeBatch? BuildBatch(int maxChanges)
    {
        if (_map.Journal is not { } journal)
        {
            return null;
        }

        if (!_forceSnapshot && journal.ChangesAfter(journal.AcknowledgedSeq, maxChanges) is { } changes)
        {
            return changes.Count == 0 ? null : new ChangeBatch(BucketId, _epoch, false, changes[^1].Seq, EnglangBatches.Changes(BucketId, changes));
        }

        return SnapshotBatch(_map, _policy);
    }

    private ChangeBatch SnapshotBatch(BucketMap map, BucketPolicy policy)
    {
        var now = Now;
        IEnumerable<KeyValuePair<string, BucketEntry>> entries = policy.Durability == Durability.Cache ? [] : map.LiveEntries(now);
        return new ChangeBatch(BucketId, _epoch, true, map.LastSeq, EnglangBatches.Snapshot(BucketId, now, map.LastSeq, policy, entries));
    }

    /// <summary>Critical buckets: every pending change must be durable before the write is acknowledged.</summary>
    private async Task PushPendingAsync()
    {
        var batch = BuildBatch(int.MaxValue);
        if (batch is null)
        {
            return;
        }

        var ack = await StoreAsync(batch);
        if (ack.Status is AckStatus.Gap or AckStatus.Invalid)
        {
            batch = SnapshotBatch(_map, _policy);
            ack = await StoreAsync(batch);
        }

        if (ack.Status != AckStatus.Stored || ack.LastSeq < batch.ToSeq)
        {
            throw Unavailable("The write was applied in memory but the backup server did not confirm it as durable; read it back or retry.");
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
        if (ack.Epoch != _epoch || _fenced)
        {
            return;
        }

        switch (ack.Status)
        {
            case AckStatus.Stored:
                _map.Journal?.Acknowledge(ack.LastSeq);
                _forceSnapshot &= ack.LastSeq < _map.LastSeq;
                break;
            case AckStatus.StaleEpoch:
                _fenced = true;
                GrainsLog.Fenced(_logger, BucketId, _epoch);
                DeactivateOnIdle();
                break;
            case AckStatus.Conflict:
                // The backup holds other changes under our numbers (metadata lagged the backup): number
                // on above what it holds and send the whole state, so nothing stored is overwritten silently.
                _map.ResetSequence(Math.Max(_map.LastSeq, ack.LastSeq) + 1);
                ResetJournal();
                _forceSnapshot = true;
                GrainsLog.SnapshotRequested(_logger, BucketId, ack.Status.ToString(), ack.LastSeq);
                break;
            default:
                _forceSnapshot = true;
                GrainsLog.SnapshotRequested(_logger, BucketId, ack.Status.ToString(), ack.LastSeq);
                break;
        }
    }

    private async Task FlushBestEffortAsync(CancellationToken cancellationToken)
    {
        if (!IsReady || BuildBatch(int.MaxValue) is not { } batch)
        {
            return;
        }

        try
        {
            Apply(await _backup.AppendAsync(batch, cancellationToken));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            GrainsLog.PushFailed(_logger, BucketId, batch.ToSeq, e);
        }
    }

    private BucketUnavailableException Unavailable(string message) => new(message, _options.RetryAfterSeconds);
}
