using System.ComponentModel.DataAnnotations;

namespace Buckets.Server.RateLimiting;

/// <summary>Per-bucket request rate limits on the public API (<c>/v1/*</c>). Bound from <c>Buckets:RateLimits</c>.</summary>
public sealed class BucketRateLimitOptions
{
    public const string SectionName = "Buckets:RateLimits";

    /// <summary>Off by default: a deployment turns limits on once it knows its tenants' rates.</summary>
    public bool Enabled { get; set; }

    /// <summary>Requests per second one bucket may make, sustained (token bucket refill). Default 1000.</summary>
    [Range(1, 10_000_000)]
    public int RequestsPerSecond { get; set; } = 1000;

    /// <summary>Requests one bucket may make at once after being quiet (token bucket size). Default 2000.</summary>
    [Range(1, 100_000_000)]
    public int Burst { get; set; } = 2000;
}
