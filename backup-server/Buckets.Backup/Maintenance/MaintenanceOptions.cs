using System.ComponentModel.DataAnnotations;

namespace Buckets.Backup.Maintenance;

/// <summary>Background maintenance of the backup files. Bound from <c>Backup:Maintenance</c>.</summary>
public sealed class MaintenanceOptions
{
    public const string SectionName = "Backup:Maintenance";

    /// <summary>How often buckets that received changes are checked for compaction.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan CompactionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often every bucket in the store (idle ones too, and after a restart) is visited to delete
    /// retired files past <c>Backup:Store:Retention</c>. The first sweep runs at the first round after start.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan RetentionSweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Buckets the retention sweep lists per step (it never holds every id of the store at once).</summary>
    [Range(1, 100_000)]
    public int SweepPageSize { get; set; } = 1000;
}
