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
}
