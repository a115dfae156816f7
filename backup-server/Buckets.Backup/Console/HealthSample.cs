namespace Buckets.Backup.Console;

/// <summary>One point of the health plots.</summary>
/// <param name="At">When it was taken.</param>
/// <param name="LagP99Seconds">The recent 99th percentile of backup lag.</param>
/// <param name="ChangesPerSecond">Changes stored per second since the previous sample.</param>
/// <param name="DiskFreeBytes">Free bytes on the backup disk.</param>
public sealed record HealthSample(DateTimeOffset At, double? LagP99Seconds, double ChangesPerSecond, long? DiskFreeBytes);
