using Buckets.Abstractions.Backup;

namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public Task<AppendResult> AppendSnapshotAsync(string bucketId, long epoch, ReadOnlyMemory<byte> snapshot, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, "store snapshot", state =>
        {
            if (CheckEpoch(state, epoch) is { } refused)
            {
                return refused;
            }

            if (!IncomingSnapshot.TryValidate(state.BucketId, snapshot, out var header, out var error))
            {
                return Refuse(state, AckStatus.Invalid, error);
            }

            if (header.Seq <= state.LastSeq)
            {
                // Only a resend of the very snapshot that is the live base counts as stored.
                return IsLiveBase(state, header.Seq, snapshot.Span)
                    ? new AppendResult(AckStatus.Stored, state.LastSeq)
                    : Refuse(state, AckStatus.Conflict, $"change {header.Seq} is already stored; number new changes above {state.LastSeq}");
            }

            RecordWriter(state, epoch);
            var name = FileNames.Snapshot(header.Seq, header.At);
            DurableFiles.WriteAtomically(state.PathOf(name), stream => stream.Write(snapshot.Span));
            Rebase(
                state,
                new ManifestGeneration { Origin = GenerationOrigin.Snapshot, BaseSeq = header.Seq, BaseAt = header.At, Snapshot = name },
                header.At,
                Now());
            StorageLog.SnapshotStored(_logger, state.BucketId, header.Seq, name);
            return new AppendResult(AckStatus.Stored, state.LastSeq);
        }, cancellationToken);

    private static bool IsLiveBase(BucketState state, long seq, ReadOnlySpan<byte> snapshot)
    {
        var live = state.Manifest!.Live;
        if (live.Snapshot is not { } name || live.BaseSeq != seq)
        {
            return false;
        }

        var path = state.PathOf(name);
        return new FileInfo(path).Length == snapshot.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(snapshot);
    }

    /// <summary>
    /// Switches the bucket to a new base whose snapshot file is already durable: the current
    /// generation is sealed and retired in the same manifest write, then its open segment is renamed.
    /// A crash before the manifest write leaves the old set (the new snapshot is a leftover); after it, the new set.
    /// </summary>
    private void Rebase(BucketState state, ManifestGeneration newLive, DateTimeOffset? lastChangeAt, DateTimeOffset retiredAt)
    {
        SyncOpenSegment(state);
        var changes = new FileChanges();
        var manifest = ManifestEdits.Rebase(state.Manifest!, newLive, state.LastSeq, retiredAt, changes);
        state.LastSeq = newLive.BaseSeq;
        state.LastChangeAt = lastChangeAt;
        state.OpenSegmentBytes = 0;
        Commit(state, manifest);
        changes.Apply(state.Directory);
    }
}
