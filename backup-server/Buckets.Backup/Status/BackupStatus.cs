namespace Buckets.Backup.Status;

/// <summary>Body of <c>GET /status</c>: aggregates only, no bucket contents.</summary>
public sealed record BackupStatus(
    DateTimeOffset Now,
    DateTimeOffset? LastSuccessfulPull,
    IReadOnlyDictionary<string, DateTimeOffset> LastPullBySilo,
    int BucketsBackedUp,
    double? LagP50Seconds,
    double? LagP99Seconds,
    long? DiskFreeBytes,
    double? DiskGrowthBytesPerSecond,
    TimeSpan? DiskFullIn,
    IReadOnlyList<string> Warnings);
