using System.ComponentModel.DataAnnotations;

namespace Buckets.Grains;

/// <summary>How bucket grains behave in memory. Bound from <c>Buckets:Grain</c>.</summary>
public sealed class BucketGrainOptions
{
    public const string SectionName = "Buckets:Grain";

    /// <summary>A bucket unused for this long is deactivated and its memory freed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often a bucket with expiring entries reclaims expired ones.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most expired entries reclaimed per sweep, so a sweep never stalls requests.</summary>
    [Range(1, 1_000_000)]
    public int ExpirySweepBatch { get; set; } = 2000;

    /// <summary>Most unacknowledged changes a bucket keeps for the backup server before falling back to a snapshot.</summary>
    [Range(1, 10_000_000)]
    public int JournalCapacity { get; set; } = 100_000;

    /// <summary>Seconds a client is told to wait when a bucket cannot serve safely yet.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;
}
