using System.ComponentModel.DataAnnotations;

namespace Buckets.Core.Feed;

/// <summary>The change feed's bounds (<c>GET /v1/changes</c>, RESP SUBSCRIBE). Bound from <c>Buckets:Feed</c>.</summary>
public sealed class ChangeFeedOptions
{
    public const string SectionName = "Buckets:Feed";

    /// <summary>Most recent changes a followed bucket keeps in memory for its readers; older ones are read from the backup server.</summary>
    [Range(1, 1_000_000)]
    public int WindowChanges { get; set; } = 10_000;

    /// <summary>Most estimated bytes (keys and values) of that window. Default 16 MiB.</summary>
    [Range(typeof(long), "1024", "1099511627776")]
    public long WindowBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>A followed bucket nobody read from for this long drops its window (and costs nothing again).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan WindowIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most changes one read returns (one grain message, one JSON page).</summary>
    [Range(1, 100_000)]
    public int PageChanges { get; set; } = 1000;

    /// <summary>
    /// Longest a read waits for the next change (the long-poll's <c>wait</c> and the stream's poll).
    /// At most 25 s, below Orleans' response timeout (30 s), or a waiting read would time out.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:25")]
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an idle event stream sends a comment line, so proxies and clients see it alive (its reads wait at most this long).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Most open streams (SSE and RESP subscriptions) of one bucket on one silo.</summary>
    [Range(1, 1_000_000)]
    public int SubscribersPerBucket { get; set; } = 100;

    /// <summary>Most open streams on one silo, over all buckets.</summary>
    [Range(1, 10_000_000)]
    public int SubscribersPerSilo { get; set; } = 10_000;

    /// <summary>
    /// Most events read for a subscriber but not yet written to it. A subscriber that falls this far
    /// behind is disconnected with the number to resume from, never buffered without end.
    /// </summary>
    [Range(1, 10_000_000)]
    public int BufferedEventsPerSubscriber { get; set; } = 10_000;

    /// <summary>Values larger than this are not sent in events: the event says the value was too large and gives its size. Default 64 KiB.</summary>
    [Range(0, 64 * 1024 * 1024)]
    public int MaxEventValueBytes { get; set; } = 64 * 1024;

    /// <summary>How long a stream waits before asking again after the bucket or its backup could not answer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
