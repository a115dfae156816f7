using System.ComponentModel.DataAnnotations;

namespace Buckets.Backup.Maintenance;

/// <summary>Background maintenance of the backup files. Bound from <c>Backup:Maintenance</c>.</summary>
public sealed class MaintenanceOptions
{
    public const string SectionName = "Backup:Maintenance";

    /// <summary>How often buckets that received changes are checked for compaction.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromSeconds(30);
}
