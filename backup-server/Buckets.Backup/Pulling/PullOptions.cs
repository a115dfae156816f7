using System.ComponentModel.DataAnnotations;

namespace Buckets.Backup.Pulling;

/// <summary>How the backup server pulls changes. Bound from <c>Backup:Pull</c>.</summary>
public sealed class PullOptions
{
    public const string SectionName = "Backup:Pull";

    /// <summary>Time between pulls when the silos have been idle for a while (idle buckets cost nothing).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Time between pulls while changes keep coming: one empty pull in the middle of a write load
    /// must not make the next changes wait a whole <see cref="Interval"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ActiveInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// While pulls return work, a round starts at least this long after the previous one began.
    /// Collecting and acknowledging cost a grain call per bucket per round, so back-to-back rounds
    /// under a write load over many buckets spend the silo's CPU on one or two changes per call;
    /// spacing them gathers the changes into larger batches. It adds at most this much backup lag.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan BusyInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// While pulls return work, at most this share of the time is spent in pull rounds: after a round
    /// that took <c>t</c>, the next starts <c>t / BusyShare</c> after it began (never sooner than
    /// <see cref="BusyInterval"/>, never later than <see cref="Interval"/>, which bounds the lag a
    /// standard bucket is promised). A round over one busy bucket takes a few milliseconds and keeps
    /// the 100 ms cadence; one over a thousand buckets took 40-70 ms on 2 cores, so rounds at 100 ms
    /// spent about half the time pulling batches of three or four changes each.
    /// </summary>
    [Range(0.01, 1.0)]
    public double BusyShare { get; set; } = 0.2;

    /// <summary>Empty pulls in a row, at <see cref="ActiveInterval"/>, before falling back to <see cref="Interval"/>.</summary>
    [Range(0, 100_000)]
    public int ActivePulls { get; set; } = 50;

    /// <summary>Most buckets one pull returns (the silo also bounds a pull in bytes).</summary>
    [Range(1, 100_000)]
    public int MaxBatches { get; set; } = 2048;

    /// <summary>Most changes of one bucket per pull.</summary>
    [Range(1, 1_000_000)]
    public int MaxChangesPerBatch { get; set; } = 10_000;

    /// <summary>
    /// How many buckets of one pull are stored at once. They wait together for the write-ahead log's
    /// group commit, so this is how many buckets share one fsync, not how many threads are busy.
    /// </summary>
    [Range(1, 100_000)]
    public int StoreParallelism { get; set; } = 256;

    /// <summary>A silo that has not re-registered for this long is dropped from the pull list.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan SiloExpiry { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one pull request to a silo.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
