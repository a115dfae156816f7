namespace Buckets.Backup.Storage;

/// <summary>What the store holds for one bucket.</summary>
public sealed record BucketBackupInfo(
    string BucketId,
    long Epoch,
    long LastSeq,
    DateTimeOffset? LastChangeAt,
    long Bytes,
    bool Erased,
    IReadOnlyList<BackupFileInfo> Files);
