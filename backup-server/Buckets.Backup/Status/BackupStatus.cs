namespace Buckets.Backup.Status;

/// <summary>
/// Body of <c>GET /admin/v1/status</c>: aggregates only, no bucket contents. <c>BucketsBackedUp</c> counts
/// the buckets stored to recently (tracked in memory, at most <c>Backup:Status:MaxTrackedBuckets</c>);
/// <c>BucketsInStore</c> every bucket in the store at the last retention sweep (null before the first).
/// </summary>
public sealed record BackupStatus(
    DateTimeOffset Now,
    DateTimeOffset? LastSuccessfulPull,
    IReadOnlyDictionary<string, DateTimeOffset> LastPullBySilo,
    int BucketsBackedUp,
    long? BucketsInStore,
    double? LagP50Seconds,
    double? LagP99Seconds,
    long? DiskFreeBytes,
    double? DiskGrowthBytesPerSecond,
    TimeSpan? DiskFullIn,
    IReadOnlyList<string> Warnings);
