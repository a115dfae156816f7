using System.ComponentModel.DataAnnotations;

namespace Buckets.Backup.Cluster;

/// <summary>How a backup server copies buckets from its peers: after it lost its data directory (resync), and when the server list changed (moves). Bound from <c>Backup:Resync</c>.</summary>
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

    /// <summary>
    /// How often a server compares what it holds with the placement over the current list: it copies the
    /// buckets now placed on it from their holders, and forgets those placed elsewhere once their replicas
    /// hold them. Each pass lists every peer's buckets, so keep it long for millions of buckets.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MoveInterval { get; set; } = TimeSpan.FromMinutes(10);
}
