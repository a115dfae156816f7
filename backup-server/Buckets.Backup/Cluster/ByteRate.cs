using System.Threading.RateLimiting;

namespace Buckets.Backup.Cluster;

/// <summary>A bytes-per-second bound shared by the workers of resync and of the integrity sweep: a token bucket refilled ten times a second.</summary>
public static class ByteRate
{
    private static readonly TimeSpan Refill = TimeSpan.FromMilliseconds(100);

    /// <summary>A limiter that lets <paramref name="bytesPerSecond"/> through per second; the caller disposes it.</summary>
    public static RateLimiter Create(long bytesPerSecond) => new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
    {
        TokenLimit = (int)Math.Min(int.MaxValue, bytesPerSecond),
        TokensPerPeriod = (int)Math.Max(1, Math.Min(int.MaxValue, bytesPerSecond / (long)(TimeSpan.FromSeconds(1) / Refill))),
        ReplenishmentPeriod = Refill,
        QueueLimit = int.MaxValue,
        AutoReplenishment = true,
    });

    /// <summary>Waits until <paramref name="bytes"/> may pass (one second's worth at most per call, so a large copy never waits forever).</summary>
    public static async Task WaitAsync(RateLimiter limiter, long bytes, long bytesPerSecond, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        if (bytes <= 0)
        {
            return;
        }

        using var lease = await limiter.AcquireAsync((int)Math.Min(Math.Min(bytes, bytesPerSecond), int.MaxValue), cancellationToken);
    }
}
