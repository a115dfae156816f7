using Buckets.Abstractions.Backup;
using Buckets.Englang;

namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public Task<EpochGrant> OpenEpochAsync(string bucketId, CancellationToken cancellationToken) => OpenEpochAsync(bucketId, EpochRequest.Next, cancellationToken);

    /// <inheritdoc />
    public Task<EpochGrant> OpenEpochAsync(string bucketId, EpochRequest request, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, "open epoch", state =>
        {
            ArgumentNullException.ThrowIfNull(request);
            var known = state.Manifest;
            if (request.Proposed is { } proposed && proposed <= (known?.Epoch ?? 0))
            {
                // Each epoch is granted at most once: an election that asked too low asks again above this.
                return new EpochGrant(known?.Epoch ?? 0, state.LastSeq, []) { Granted = false, WriterEpoch = known?.WriterEpoch ?? 0 };
            }

            var manifest = known ?? NewBucket(state);

            // Read before fencing: a damaged history fails the call without locking out the current activation.
            var snapshot = request.WithState ? ReadState(state, manifest, null, null).Snapshot : [];
            var epoch = request.Proposed ?? manifest.Epoch + 1;
            Commit(state, manifest with { Epoch = epoch });
            StorageLog.EpochOpened(_logger, state.BucketId, epoch, state.LastSeq);
            return new EpochGrant(epoch, state.LastSeq, snapshot) { WriterEpoch = manifest.WriterEpoch };
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

    /// <summary>
    /// Fencing: only the newest epoch may write. A newer epoch than this replica knows was granted by a
    /// majority of the bucket's replicas while this one did not answer: it is learned here (only an
    /// activation holding an epoch sends under it, and a superseded one holds a lower number).
    /// </summary>
    private AppendResult? CheckEpoch(BucketState state, long epoch)
    {
        if (epoch < 1)
        {
            return Refuse(state, AckStatus.Invalid, $"epoch {epoch} was never granted");
        }

        var manifest = state.Manifest;
        if (epoch < (manifest?.Epoch ?? 0))
        {
            return Refuse(state, AckStatus.StaleEpoch, $"epoch {epoch} is older than the current epoch {manifest!.Epoch}");
        }

        if (manifest is null || epoch > manifest.Epoch)
        {
            Commit(state, (manifest ?? NewBucket(state)) with { Epoch = epoch });
        }

        return null;
    }

    /// <summary>
    /// Records that the bucket's state is now a prefix of <paramref name="epoch"/>'s history, before the
    /// lines that make it so are stored (only once they passed every check): an election must never prefer
    /// an older writer's longer history to this one (docs/backup-protocol.md, "Epochs").
    /// </summary>
    private void RecordWriter(BucketState state, long epoch)
    {
        if (state.Manifest is { } manifest && manifest.WriterEpoch < epoch)
        {
            Commit(state, manifest with { WriterEpoch = epoch });
        }
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
