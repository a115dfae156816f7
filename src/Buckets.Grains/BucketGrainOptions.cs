using System.ComponentModel.DataAnnotations;

namespace Buckets.Grains;

/// <summary>How bucket grains behave in memory. Bound from <c>Buckets:Grain</c>.</summary>
public sealed class BucketGrainOptions
{
    public const string SectionName = "Buckets:Grain";

    /// <summary>A bucket unused for this long is deactivated and its memory freed.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Whether GETs on the silo holding a bucket read its map without a grain call (see
    /// <c>DirectReads</c>): same answers, about a third less CPU per GET. Off sends every read through the grain.
    /// </summary>
    public bool DirectReads { get; set; } = true;

    /// <summary>
    /// Whether PUTs and DELETEs on the silo holding a bucket run on the bucket's scheduler without a grain call
    /// (see <c>DirectWrites</c>): same answers and order, about a fifth less CPU per PUT. Off sends
    /// every write through a call.
    /// </summary>
    public bool DirectWrites { get; set; } = true;

    /// <summary>
    /// Longest a bucket with expiring entries waits between expiry sweeps. Sweeps are due at the
    /// earliest deadline, so this only bounds how long a clock change can delay one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Pause between sweeps while more entries are due than one sweep removes (and the least wait for
    /// a deadline), so requests run in between. Default 1 ms.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:00:01")]
    public TimeSpan ExpiryCatchUpDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Most expired entries reclaimed per sweep, so a sweep never stalls requests.</summary>
    [Range(1, 1_000_000)]
    public int ExpirySweepBatch { get; set; } = 2000;

    /// <summary>
    /// How long a bucket goes without a change before its map gives back the spare capacity growth
    /// left (slot and arena slack, dead bytes; see <c>BucketMap.TrimExcess</c>). Only a bucket with
    /// enough spare to be worth it arms the check, so tiny buckets never pay for a timer.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan TrimDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most unacknowledged changes a bucket keeps for the backup server before falling back to a snapshot.</summary>
    [Range(1, 10_000_000)]
    public int JournalCapacity { get; set; } = 100_000;

    /// <summary>
    /// Most bytes of unacknowledged changes (keys and values, estimated as held in memory) a bucket
    /// keeps before falling back to a snapshot, so overwriting one key with large values cannot
    /// hold every old value. Default 64 MiB.
    /// </summary>
    [Range(typeof(long), "1024", "1099511627776")]
    public long JournalMaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Most Englang bytes of one bucket's incremental batch in a pull; a batch always carries at least
    /// one change, and a snapshot is never split. Default 4 MiB.
    /// </summary>
    [Range(1024, int.MaxValue)]
    public int BatchMaxBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Most bytes one pull of this silo returns: the silo stops collecting buckets once it is
    /// reached and says more is pending. At least one batch is always returned. Default 64 MiB.
    /// </summary>
    [Range(typeof(long), "1024", "1099511627776")]
    public long PullMaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// Buckets a pull acknowledges or collects from at once. Small, so a pull over thousands of
    /// buckets interleaves with client requests instead of queueing thousands of grain calls ahead of them.
    /// </summary>
    [Range(1, 4096)]
    public int PullConcurrency { get; set; } = 16;

    /// <summary>
    /// Most bytes of changes the backup server has not stored yet that all buckets of this silo
    /// hold together (estimated like <see cref="JournalMaxBytes"/>). A bucket holding such changes
    /// is never idle-collected; past this budget writes are refused as unavailable (503) instead of
    /// growing memory until changes are lost. Default 1 GiB.
    /// </summary>
    [Range(typeof(long), "1024", "1099511627776")]
    public long UnstoredBytesBudget { get; set; } = 1024L * 1024 * 1024;

    /// <summary>
    /// Most bytes of one piece when a whole bucket travels: an export, or a graceful move to another
    /// silo. Each piece is one Orleans message, so this must stay well below Orleans' message size
    /// limit (100 MB by default); a bucket larger than one piece goes in several. Default 4 MiB.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int TransferChunkBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// After a push to a backup server failed, how long a standard bucket leaves its changes to the
    /// server's pulls instead of pushing again (a down server would otherwise be tried, and logged,
    /// on every write).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan EarlyPushRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Seconds a client is told to wait when a bucket cannot serve safely yet.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;
}
