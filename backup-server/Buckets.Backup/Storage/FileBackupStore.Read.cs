namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public Task<StateSnapshot?> ReadStateAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken)
    {
        if (atSeq is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(atSeq), atSeq, "A change number is never negative.");
        }

        return WithBucketAsync(
            bucketId,
            "read state",
            state => state.Manifest is { } manifest ? ReadState(state, manifest, atSeq, atTime) : null,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<BucketBackupInfo?> DescribeAsync(string bucketId, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, "describe", state =>
        {
            if (state.Manifest is not { } manifest)
            {
                return null;
            }

            var files = new List<BackupFileInfo>();
            foreach (var generation in manifest.Generations())
            {
                var retired = generation.RetiredAt is not null;
                if (generation.Snapshot is { } snapshot)
                {
                    files.Add(new BackupFileInfo(snapshot, FileNames.SnapshotKind, generation.BaseSeq, generation.BaseSeq, SizeOf(state, snapshot), retired));
                }

                foreach (var segment in generation.Segments)
                {
                    files.Add(new BackupFileInfo(
                        segment.Name, FileNames.ChangesKind, segment.FromSeq, segment.ToSeq ?? state.LastSeq, SizeOf(state, segment.Name), retired));
                }
            }

            return (BucketBackupInfo?)new BucketBackupInfo(
                state.BucketId, manifest.Epoch, state.LastSeq, state.LastChangeAt, files.Sum(file => file.Bytes), manifest.Erased, files);
        }, cancellationToken);

    private static long SizeOf(BucketState state, string name)
    {
        var info = new FileInfo(state.PathOf(name));
        return info.Exists ? info.Length : 0;
    }
}
