using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Buckets.Server.RateLimiting;

/// <summary>
/// One token bucket per bucket id, in a <see cref="PartitionedRateLimiter"/> that refills them all
/// from one timer and drops a bucket's limiter once it has been idle (full) for a few seconds, so
/// memory follows the tenants active right now, not all of them. A lookup takes one lock and one
/// dictionary probe and allocates nothing. Thread-safe; a singleton, disposed with the host.
/// </summary>
public sealed class BucketRateLimiter : IDisposable
{
    private static readonly TimeSpan RefillPeriod = TimeSpan.FromSeconds(1);

    private readonly PartitionedRateLimiter<string> _limiter;

    public BucketRateLimiter(IOptions<BucketRateLimitOptions> options)
    {
        var limits = new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.Burst,
            TokensPerPeriod = options.Value.RequestsPerSecond,
            ReplenishmentPeriod = RefillPeriod,
            QueueLimit = 0,
            // The partitioned limiter refills every bucket from its own timer; a timer per bucket would not scale.
            AutoReplenishment = false,
        };
        // Cached delegates: a partition is described per request without allocating.
        Func<string, RateLimiter> create = _ => new TokenBucketRateLimiter(limits);
        _limiter = PartitionedRateLimiter.Create<string, string>(bucketId => new RateLimitPartition<string>(bucketId, create));
    }

    /// <summary>Takes one request's permit from the bucket's limiter; a refused lease carries the wait as <see cref="MetadataName.RetryAfter"/>.</summary>
    public RateLimitLease Acquire(string bucketId) => _limiter.AttemptAcquire(bucketId);

    public void Dispose() => _limiter.Dispose();
}
