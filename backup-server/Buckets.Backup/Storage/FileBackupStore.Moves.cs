namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public Task<ReplicaPosition?> PositionOfAsync(string bucketId, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, "read position", state =>
            state.Manifest is { } manifest ? new ReplicaPosition(manifest.WriterEpoch, state.LastSeq) : (ReplicaPosition?)null, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> ForgetCopyAsync(string bucketId, ReplicaPosition expected, CancellationToken cancellationToken)
    {
        var forgotten = await WithBucketAsync(bucketId, "forget copy", state =>
        {
            if (state.Manifest is not { } manifest)
            {
                return true;
            }

            // A change stored since the caller compared positions may be confirmed to a silo on an older list.
            if (new ReplicaPosition(manifest.WriterEpoch, state.LastSeq) != expected)
            {
                return false;
            }

            _files.Close(state);
            Directory.Delete(state.Directory, recursive: true);
            DurableFiles.SyncDirectory(Path.GetDirectoryName(state.Directory)!);
            state.Invalidate();
            StorageLog.CopyForgotten(_logger, bucketId, expected.LastSeq);
            return true;
        }, cancellationToken);

        // Lines of the bucket may still be in the write-ahead log: after the checkpoint, no restart replays them.
        if (forgotten)
        {
            await _wal.CheckpointAsync();
        }

        return forgotten;
    }
}
