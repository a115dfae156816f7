namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public Task<ReplicaCopy?> ReadReplicaAsync(string bucketId, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, "read replica", state =>
        {
            if (state.Manifest is not { } manifest)
            {
                return null;
            }

            var snapshot = ReadState(state, manifest, null, null);
            return (ReplicaCopy?)new ReplicaCopy(manifest.Epoch, manifest.WriterEpoch, state.LastSeq, snapshot.Snapshot);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> InstallReplicaAsync(string bucketId, ReplicaCopy copy, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, "install replica", state =>
        {
            ArgumentNullException.ThrowIfNull(copy);
            var manifest = state.Manifest ?? NewBucket(state);
            if ((manifest.WriterEpoch, state.LastSeq).CompareTo((copy.WriterEpoch, copy.LastSeq)) >= 0)
            {
                // What this replica holds is as new as the copy: keep it, but never forget a higher epoch.
                if (copy.Epoch > manifest.Epoch)
                {
                    Commit(state, manifest with { Epoch = copy.Epoch });
                }

                return false;
            }

            if (!IncomingSnapshot.TryValidate(state.BucketId, copy.Snapshot, out var header, out var error) || header.Seq != copy.LastSeq)
            {
                throw new InvalidDataException($"The copy of bucket {state.BucketId} is not a valid snapshot at change {copy.LastSeq}: {error ?? $"it is at change {header?.Seq}"}.");
            }

            // The epochs first (durable), then the state: a crash between them leaves an old state under a
            // higher epoch, which the next resync replaces.
            Commit(state, manifest with { Epoch = Math.Max(manifest.Epoch, copy.Epoch), WriterEpoch = copy.WriterEpoch });
            var name = FileNames.Snapshot(header.Seq, header.At);
            DurableFiles.WriteAtomically(state.PathOf(name), stream => stream.Write(copy.Snapshot));
            Rebase(
                state,
                new ManifestGeneration { Origin = GenerationOrigin.Snapshot, BaseSeq = header.Seq, BaseAt = header.At, Snapshot = name },
                header.At,
                Now());
            StorageLog.SnapshotStored(_logger, state.BucketId, header.Seq, name);
            return true;
        }, cancellationToken);
}
