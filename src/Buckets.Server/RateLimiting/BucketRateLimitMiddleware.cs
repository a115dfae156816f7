using System.Globalization;
using System.Threading.RateLimiting;
using Buckets.Hosting.Http;
using Buckets.Hosting.Security;

namespace Buckets.Server.RateLimiting;

/// <summary>
/// Refuses a bucket's <c>/v1</c> request with 429 and Retry-After once the bucket is over its rate
/// (<see cref="BucketRateLimiter"/>), so one tenant cannot starve the others. Runs after
/// authentication, which names the bucket; admin and internal endpoints have no bucket and are not limited.
/// </summary>
public sealed class BucketRateLimitMiddleware(RequestDelegate next, BucketRateLimiter limiter)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (BucketCaller.Get(context) is not { } caller || !context.Request.Path.StartsWithSegments("/v1", StringComparison.Ordinal))
        {
            return next(context);
        }

        using var lease = limiter.Acquire(caller.BucketId);
        return lease.IsAcquired ? next(context) : RejectAsync(context, lease);
    }

    private static Task RejectAsync(HttpContext context, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 1;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return Problems.TooManyRequests($"This bucket is over its request rate (Buckets:RateLimits); retry after {retryAfter} s.").ExecuteAsync(context);
    }
}
