namespace Buckets.Abstractions;

/// <summary>A bucket's size and settings; expired entries are never counted.</summary>
/// <param name="Entries">Live entries.</param>
/// <param name="Bytes">UTF-8 key bytes plus value bytes of live entries.</param>
/// <param name="OldestExpiry">The earliest expiry among live entries, or <c>null</c> when none expires.</param>
/// <param name="LastChange">The sequence number of the latest change.</param>
/// <param name="Policy">The bucket's policy.</param>
/// <param name="Backup">Backup progress of the bucket.</param>
[GenerateSerializer, Immutable, Alias("Buckets.BucketStats")]
public sealed record BucketStats(
    [property: Id(0)] long Entries,
    [property: Id(1)] long Bytes,
    [property: Id(2)] DateTimeOffset? OldestExpiry,
    [property: Id(3)] long LastChange,
    [property: Id(4)] BucketPolicy Policy,
    [property: Id(5)] BackupProgress Backup);
