using System.Runtime.CompilerServices;
using Buckets.Abstractions;
using Buckets.Abstractions.Backup;
using Buckets.Grains.Backup;

namespace Buckets.Grains;

/// <summary>Whole-bucket operations: policy, export, restore and erase, each recorded with the backup server first.</summary>
public sealed partial class BucketGrain
{
    private async ValueTask<BucketPolicy> SetPolicyCoreAsync(BucketPolicy policy)
    {
        if (policy.Durability != Durability.Cache && !_backup.IsEnabled)
        {
            throw new ArgumentException("No backup server is configured (Buckets:Backup:Mode is None); only the 'cache' durability class is available.", nameof(policy));
        }

        await EnsureReadyAsync();
        await EnsureEpochAsync();
        // The policy is a change of its own: it takes the next sequence number (never reused, even if
        // storing fails) and travels as a snapshot, so a restarted bucket learns its class. A cache
        // bucket's snapshot has no entries: nothing of it is ever kept. Metadata may say "cache" only
        // once the backup agrees, since a cache bucket starts without asking the backup server.
        var toCache = policy.Durability == Durability.Cache;
        if (!toCache)
        {
            await SaveMetadataOrUnavailableAsync(policy);
        }

        _map.ResetSequence(_map.LastSeq + 1);
        _policy = policy;
        ResetJournal();
        if (_backup.IsEnabled)
        {
            await RequireStoredAsync(SnapshotBatch(_map, policy));
        }

        if (toCache)
        {
            await SaveMetadataOrUnavailableAsync(policy);
        }

        return policy;
    }

    public async IAsyncEnumerable<byte[]> ExportAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Orleans runs this enumeration interleaved with the bucket's other calls, so everything it
        // reads is captured in one synchronous step first; writes after that do not change what it sends.
        await EnsureReadyAsync();
        var now = Now;
        var entries = _map.CaptureLive(now);
        foreach (var chunk in EnglangBatches.SnapshotChunks(BucketId, now, _map.LastSeq, _policy, entries, _options.TransferChunkBytes))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return chunk;
        }
    }

    public async ValueTask<RestoreResult> RestoreAsync(long? atSeq, DateTimeOffset? atTime)
    {
        await EnsureReadyAsync();
        // A restore may bring back far more than the bucket holds now.
        RequireMemoryForNewData();
        IReadOnlyList<byte[]>? snapshot;
        try
        {
            snapshot = await _backup.ReadStateAsync(BucketId, atSeq, atTime, CancellationToken.None);
        }
        catch (BackupReadException e)
        {
            return new RestoreResult(e.Damaged ? RestoreOutcome.HistoryDamaged : RestoreOutcome.PointNotKept, 0, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            GrainsLog.RehydrateFailed(_logger, BucketId, e);
            throw Unavailable("The backup server could not be read; nothing was restored. Retry shortly.");
        }

        if (snapshot is null)
        {
            return new RestoreResult(RestoreOutcome.NoBackup, 0, $"No backup of bucket {BucketId}.");
        }

        Englang.ReplayState state;
        try
        {
            state = EnglangBatches.Load(snapshot, Now);
        }
        catch (InvalidDataException e)
        {
            return new RestoreResult(RestoreOutcome.HistoryDamaged, 0, e.Message);
        }

        await EnsureEpochAsync();

        // Restoring is a change like any other: it gets the next sequence number and history goes on.
        ReplaceState(state, _map.LastSeq + 1, EnglangBatches.Policy(state));
        if (_backup.IsEnabled)
        {
            await RequireStoredAsync(SnapshotBatch(_map, _policy));
        }

        await SaveMetadataOrUnavailableAsync(_policy);
        return new RestoreResult(RestoreOutcome.Restored, _map.LastSeq, null);
    }

    public async ValueTask EraseAsync()
    {
        try
        {
            await _backup.EraseAsync(BucketId, CancellationToken.None);
        }
        catch (Exception e)
        {
            GrainsLog.PushFailed(_logger, BucketId, _map.LastSeq, e);
            throw Unavailable("The backup server could not erase the bucket; nothing was erased. Retry shortly.");
        }

        _map.RemoveAll();
        _map.Journal = null;
        ReportMetrics();
        await _metadata.ClearStateAsync();
        ReportMetrics();
        // The next use starts a fresh activation (and epoch) from the erased, empty backup.
        DeactivateOnIdle();
    }

    /// <summary>A cache bucket started from its metadata alone; it needs an epoch before it records anything.</summary>
    private async Task EnsureEpochAsync()
    {
        if (_backup.IsEnabled && _link.NeedsEpoch)
        {
            var grant = await OpenEpochOrUnavailableAsync();
            _link.Open(grant.Epoch);
            // The metadata a cache bucket started from may lag what the backup holds (a lost
            // metadata write): number the next changes above the backup's, or they would collide.
            if (grant.LastSeq > _map.LastSeq)
            {
                _map.ResetSequence(grant.LastSeq);
                ResetJournal();
            }
        }
    }

    private async Task SaveMetadataOrUnavailableAsync(BucketPolicy policy)
    {
        try
        {
            await SaveMetadataAsync(policy);
        }
        catch (Exception e) when (e is not BucketUnavailableException and not OutOfMemoryException)
        {
            GrainsLog.MetadataWriteFailed(_logger, BucketId, e);
            throw Unavailable("The bucket's metadata could not be saved; retry shortly.");
        }
    }

    private Task SaveMetadataAsync(BucketPolicy policy)
    {
        var state = _metadata.State;
        state.Durability = policy.Durability;
        state.DefaultTtlSeconds = policy.DefaultTtlSeconds;
        state.BackedUpSeq = _map.Journal?.AcknowledgedSeq ?? state.BackedUpSeq;
        state.LastSeq = _map.LastSeq;
        return _metadata.WriteStateAsync();
    }

    private async Task SaveMetadataBestEffortAsync()
    {
        if (!_link.Serves || !_metadata.RecordExists)
        {
            return;
        }

        try
        {
            await SaveMetadataAsync(_policy);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Only the watermark is stale; the policy was written when it changed.
            GrainsLog.MetadataWriteFailed(_logger, BucketId, e);
        }
    }

    /// <summary>
    /// Stores a whole-bucket change that memory already holds. When that fails the next pull sends a
    /// snapshot, so memory and backup converge; the caller is told the outcome is not confirmed.
    /// </summary>
    private async Task RequireStoredAsync(ChangeBatch batch)
    {
        BackupAck? ack = null;
        try
        {
            ack = await StoreAsync(batch);
        }
        finally
        {
            if (ack is not { Status: AckStatus.Stored } || ack.LastSeq < batch.ToSeq)
            {
                if (_map.Journal is not null)
                {
                    _link.OweSnapshot();
                }

                ReportMetrics();
            }
        }

        if (ack.Status != AckStatus.Stored || ack.LastSeq < batch.ToSeq)
        {
            throw Unavailable("The backup server did not store the change; retry shortly.");
        }
    }
}
