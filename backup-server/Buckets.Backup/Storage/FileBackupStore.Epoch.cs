using Buckets.Abstractions.Backup;
using Buckets.Englang;

namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public Task<EpochGrant> OpenEpochAsync(string bucketId, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, "open epoch", state =>
        {
            var manifest = state.Manifest ?? NewBucket(state);

            // Read before fencing: a damaged history fails the call without locking out the current activation.
            var snapshot = ReadState(state, manifest, null, null);
            var epoch = manifest.Epoch + 1;
            Commit(state, manifest with { Epoch = epoch });
            StorageLog.EpochOpened(_logger, state.BucketId, epoch, state.LastSeq);
            return new EpochGrant(epoch, state.LastSeq, snapshot.Snapshot);
        }, cancellationToken);

    /// <summary>Creates the folder of a bucket never seen; files in a folder without a manifest were never acknowledged.</summary>
    private BucketManifest NewBucket(BucketState state)
    {
        DurableFiles.CreateDirectory(state.Directory);
        var leftovers = Directory.EnumerateFiles(state.Directory).Select(Path.GetFileName).OfType<string>().ToList();
        foreach (var name in leftovers)
        {
            StorageLog.LeftoverDeleted(_logger, state.BucketId, name);
        }

        DurableFiles.Delete(state.Directory, leftovers);
        state.LastSeq = 0;
        state.LastChangeAt = null;
        return BucketManifest.New(state.BucketId);
    }

    /// <summary>Fencing: only the newest epoch may write.</summary>
    private AppendResult? CheckEpoch(BucketState state, long epoch)
    {
        if (state.Manifest is not { } manifest)
        {
            return Refuse(state, AckStatus.Invalid, "no epoch was ever opened for this bucket");
        }

        if (epoch < manifest.Epoch)
        {
            return Refuse(state, AckStatus.StaleEpoch, $"epoch {epoch} is older than the current epoch {manifest.Epoch}");
        }

        return epoch > manifest.Epoch
            ? Refuse(state, AckStatus.Invalid, $"epoch {epoch} was never granted (the current epoch is {manifest.Epoch})")
            : null;
    }

    private AppendResult Refuse(BucketState state, AckStatus status, string detail)
    {
        StorageLog.AppendRefused(_logger, state.BucketId, status, state.LastSeq);
        return new AppendResult(status, state.LastSeq, detail);
    }

    private StateSnapshot ReadState(BucketState state, BucketManifest manifest, long? atSeq, DateTimeOffset? atTime)
    {
        var now = Now();
        var chain = HistoryPlanner.Plan(manifest, atSeq, atTime);
        var options = new ReplayOptions(now) { StopAtSeq = atSeq, StopAtTime = atTime };
        var replayed = HistoryReader.Replay(state.Directory, state.BucketId, chain, options);
        var toEnd = atTime is null && (atSeq is null || atSeq >= state.LastSeq);
        if (toEnd && replayed.LastSeq != state.LastSeq)
        {
            var file = chain.Files.Count > 0 ? chain.Files[^1] : FileNames.Manifest;
            throw new BackupCorruptException(
                $"The backup of bucket {state.BucketId} is damaged: the history ends at change {replayed.LastSeq} in {file}, but change {state.LastSeq} was stored.",
                file,
                null);
        }

        return StateSnapshots.Create(state.BucketId, now, replayed);
    }
}
