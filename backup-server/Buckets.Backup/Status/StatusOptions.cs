using System.ComponentModel.DataAnnotations;

namespace Buckets.Backup.Status;

/// <summary>Health thresholds of the backup server. Bound from <c>Backup:Status</c>.</summary>
public sealed class StatusOptions
{
    public const string SectionName = "Backup:Status";

    /// <summary>Warn when the disk will fill within this window at the recent growth rate.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00")]
    public TimeSpan DiskFullWarningWindow { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How far back the growth rate looks.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan GrowthSampleWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Least time between two disk samples.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan DiskSampleInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most buckets whose last store and lag are kept in memory (for <c>GET /admin/v1/backups</c> and
    /// for choosing what to compact); past it the ones stored longest ago are forgotten, so memory
    /// follows the recently written buckets, not every bucket ever stored. A forgotten bucket is
    /// still compacted by the next retention sweep.
    /// </summary>
    [Range(16, 10_000_000)]
    public int MaxTrackedBuckets { get; set; } = 100_000;
}
