using System.Net;

namespace Buckets.Client;

/// <summary>
/// 503: the bucket cannot serve right now (loading, backup unreachable, memory pressure, server busy)
/// and the retries allowed by <see cref="BucketsClientOptions.MaxRetries"/> are spent, or it answered
/// without Retry-After (a timeout, where the write may or may not have been applied).
/// </summary>
public sealed class BucketsUnavailableException(string? problemType, string? title, string? detail, TimeSpan? retryAfter)
    : BucketsApiException(HttpStatusCode.ServiceUnavailable, problemType, title, detail)
{
    /// <summary>How long the server asked the caller to wait, when it said.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
