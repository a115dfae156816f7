using System.ComponentModel.DataAnnotations;

namespace Buckets.Backup.Cluster;

/// <summary>How a backup server whose data directory was lost copies its buckets back from its peers. Bound from <c>Backup:Resync</c>.</summary>
public sealed class ResyncOptions
{
    public const string SectionName = "Backup:Resync";

    /// <summary>
    /// How long a server that lost its data waits before it reads its peers. A silo may still count a
    /// confirmation this server gave before it lost its disk, and a push to a peer may still be on its
    /// way; after this long every such call has ended (docs/backup-protocol.md, "Resync"). Keep it at
    /// least the silos' <c>Buckets:Backup:TransferTimeout</c> (their longest wait for one call).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan StartDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Buckets copied at once.</summary>
    [Range(1, 256)]
    public int Concurrency { get; set; } = 4;

    /// <summary>Most bytes per second copied from peers, so a resync does not starve the servers' other work.</summary>
    [Range(typeof(long), "65536", "107374182400")]
    public long MaxBytesPerSecond { get; set; } = 64L * 1024 * 1024;

    /// <summary>Buckets asked of a peer per listing page.</summary>
    [Range(1, 100_000)]
    public int PageSize { get; set; } = 1000;

    /// <summary>Wait before trying again when a peer did not answer or a copy failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);
}
