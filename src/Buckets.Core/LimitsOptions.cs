using System.ComponentModel.DataAnnotations;

namespace Buckets.Core;

/// <summary>
/// Hard limits, enforced by the HTTP layer before any grain runs and again by every bucket.
/// Bound from <c>Buckets:Limits</c>.
/// </summary>
public sealed class LimitsOptions
{
    public const string SectionName = "Buckets:Limits";

    /// <summary>Longest key in UTF-8 bytes.</summary>
    [Range(1, ushort.MaxValue)]
    public int MaxKeyBytes { get; set; } = 512;

    /// <summary>Largest value in bytes (default 1 MiB).</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>Most live entries in one bucket.</summary>
    [Range(1, long.MaxValue)]
    public long MaxEntriesPerBucket { get; set; } = 1_000_000;

    /// <summary>Most key plus value bytes in one bucket (default 256 MiB).</summary>
    [Range(1, long.MaxValue)]
    public long MaxBytesPerBucket { get; set; } = 256L * 1024 * 1024;

    /// <summary>Longest TTL in seconds (default 10 years).</summary>
    [Range(1, 100L * 366 * 24 * 3600)]
    public long MaxTtlSeconds { get; set; } = 10L * 366 * 24 * 3600;

    /// <summary>Most keys one list request may ask for.</summary>
    [Range(1, 100_000)]
    public int MaxListLimit { get; set; } = 1000;

    /// <summary>Most operations in one batch.</summary>
    [Range(1, 100_000)]
    public int MaxBatchOperations { get; set; } = 1000;

    /// <summary>Largest batch request body in bytes (default 16 MiB).</summary>
    [Range(1, int.MaxValue)]
    public int MaxBatchBytes { get; set; } = 16 * 1024 * 1024;
}
