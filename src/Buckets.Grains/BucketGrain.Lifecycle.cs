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
        if (policy.Durability != Durability.Cache && !_replicas.IsEnabled)
        {
            throw new ArgumentException("No backup server is configured (Buckets:Backup:Mode is None); only the 'cache' durability class is available.", nameof(policy));
        }

        await EnsureReadyAsync();
        await EnsureEpochAsync(policy.Durability);
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
        var previous = _policy.Durability;
        _policy = policy;
        RecordFeedOnlyChange(ChangeKind.Policy, policy);
        ResetJournal(backupHoldsState: false);
        if (_replicas.IsEnabled)
        {
            // A bucket becoming cache keeps its policy where its entries were kept, so a later activation reads it there.
            await StoreStateAsync(toCache ? ReplicasFor(previous) : null);
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
        var (snapshot, refused) = await ReadStateForRestoreAsync(atSeq, atTime);
        if (refused is not null)
        {
            return refused;
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

        var restoredPolicy = EnglangBatches.Policy(state);
        await EnsureEpochAsync(restoredPolicy.Durability);

        // Restoring is a change like any other: it gets the next sequence number and history goes on.
        ReplaceState(state, _map.LastSeq + 1, restoredPolicy, backupHoldsState: false);
        RecordFeedOnlyChange(ChangeKind.Restore, restoredPolicy);
        if (_replicas.IsEnabled)
        {
            await StoreStateAsync(null);
        }

        await SaveMetadataOrUnavailableAsync(_policy);
        return new RestoreResult(RestoreOutcome.Restored, _map.LastSeq, null);
    }

    public async ValueTask EraseAsync()
    {
        await EraseOnReplicasAsync();

        _map.RemoveAll();
        _map.Journal = null;
        ReportMetrics();
        await _metadata.ClearStateAsync();
        ReportMetrics();
        // The next use starts a fresh activation (and epoch) from the erased, empty backup.
        DeactivateOnIdle();
    }

    /// <summary>A cache bucket started from its metadata alone; it needs an epoch, from the replicas of the class it becomes, before it records anything.</summary>
    private async Task EnsureEpochAsync(Durability becoming)
    {
        if (_replicas.IsEnabled && _link.NeedsEpoch)
        {
            var elected = await ElectOrUnavailableAsync(becoming);
            _link.Open(elected.Epoch);
            // The metadata a cache bucket started from may lag what the backup holds (a lost
            // metadata write): number the next changes above the backup's, or they would collide.
            if (elected.LastSeq > _map.LastSeq)
            {
                _map.ResetSequence(elected.LastSeq);
                ResetJournal(backupHoldsState: true);
            }
        }
    }

    /// <summary>
    /// Reads the state to restore from a replica that holds the bucket's newest changes, trying the others
    /// when one cannot give it; answers why not when none can.
    /// </summary>
    private async Task<(IReadOnlyList<byte[]>? Snapshot, RestoreResult? Refused)> ReadStateForRestoreAsync(long? atSeq, DateTimeOffset? atTime)
    {
        var candidates = _tracks.Count > 0 ? _tracks.Replicas.OrderByDescending(replica => _tracks.StoredBy(replica.Id)).ToList() : [.. ReplicasFor(_policy.Durability)];
        RestoreResult? refused = null;
        foreach (var replica in candidates)
        {
            try
            {
                return (await replica.Client.ReadStateAsync(BucketId, atSeq, atTime, CancellationToken.None), null);
            }
            catch (BackupReadException e)
            {
                refused = new RestoreResult(e.Damaged ? RestoreOutcome.HistoryDamaged : RestoreOutcome.PointNotKept, 0, e.Message);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                GrainsLog.RehydrateFailed(_logger, BucketId, e);
            }
        }

        return refused is not null ? (null, refused) : throw Unavailable("No backup server keeping this bucket could be read; nothing was restored. Retry shortly.");
    }

    /// <summary>
    /// Erases the bucket on every server that may keep it (the replicas of its class, and of the widest
    /// class, which a class change may have left a copy on); a majority of its replicas must confirm.
    /// </summary>
    private async Task EraseOnReplicasAsync()
    {
        if (!_replicas.IsEnabled)
        {
            return;
        }

        var replicas = ReplicasFor(_policy.Durability);
        var everywhere = _replicas.For(BucketId, Durability.Critical).UnionBy(replicas, replica => replica.Id).ToList();
        var erased = await Task.WhenAll(everywhere.Select(async replica =>
        {
            try
            {
                await replica.Client.EraseAsync(BucketId, CancellationToken.None);
                return replica.Id;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                GrainsLog.PushFailed(_logger, BucketId, replica.Id, _map.LastSeq, e);
                return null;
            }
        }));

        var confirmed = replicas.Count(replica => erased.Contains(replica.Id));
        var quorum = Abstractions.Backup.ReplicaPlacement.Majority(replicas.Count);
        if (confirmed < quorum)
        {
            throw Unavailable($"Only {confirmed} of the {replicas.Count} backup servers keeping this bucket confirmed the erase, and {quorum} must; retry shortly (those that erased stay erased).");
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
    /// Stores a whole-bucket change that memory already holds (a policy, a restore) on a quorum of the
    /// bucket's replicas, or of <paramref name="replicas"/> for a bucket whose journal stops here (one
    /// becoming cache). Replicas that miss it are owed the snapshot, so memory and backup converge; the
    /// caller is told when the outcome is not confirmed.
    /// </summary>
    private async Task StoreStateAsync(IReadOnlyList<BackupReplica>? replicas)
    {
        if (replicas is null)
        {
            await PushToQuorumAsync(_policy.Durability == Durability.Critical ? _replicas.WriteQuorum(_tracks.Count) : Abstractions.Backup.ReplicaPlacement.Majority(_tracks.Count));
            return;
        }

        var batch = SnapshotBatch(_map, _policy);
        var stored = await Task.WhenAll(replicas.Select(async replica =>
        {
            try
            {
                var ack = await replica.Client.AppendAsync(batch, CancellationToken.None);
                if (ack.Status == AckStatus.StaleEpoch)
                {
                    _link.Fence();
                    UpdateDirectReads();
                }

                return ack.Status == AckStatus.Stored && ack.LastSeq >= batch.ToSeq;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                GrainsLog.PushFailed(_logger, BucketId, replica.Id, batch.ToSeq, e);
                return false;
            }
        }));

        var quorum = Abstractions.Backup.ReplicaPlacement.Majority(replicas.Count);
        if (stored.Count(ok => ok) < quorum)
        {
            throw Unavailable("Too few backup servers stored the change; retry shortly.");
        }
    }
}
