using System.ComponentModel.DataAnnotations;

namespace Buckets.Backup.Storage;

/// <summary>Settings of the file backup store, bound from the <c>Backup:Store</c> configuration section.</summary>
public sealed class BackupStoreOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Backup:Store";

    /// <summary>The folder holding <c>buckets/</c> and <c>audit/</c>; created when missing.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = string.Empty;

    /// <summary>The open change segment is sealed (renamed to its sequence range) once it grows past this.</summary>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long SegmentMaxBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>Segments written since the base snapshot beyond this many bytes are compacted into a new snapshot.</summary>
    [Range(typeof(long), "1", "9223372036854775807")]
    public long CompactionThresholdBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>How long superseded snapshots and segments are kept for point-in-time restore before deletion.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "36500.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The write-ahead log is checkpointed (the bucket files it touched fsynced, then it is deleted)
    /// once it holds this many bytes. It bounds what recovery replays after a crash.
    /// </summary>
    [Range(typeof(long), "4096", "68719476736")]
    public long WalCheckpointBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The write-ahead log is also checkpointed when its current file is this old (checked on each write).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan WalCheckpointInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Most bytes one group commit writes before its fsync; more waiting appends go in the next group.</summary>
    [Range(4096, 1073741824)]
    public int WalMaxGroupBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How many open change segments the store keeps file handles for (least recently used are closed).</summary>
    [Range(1, 1_000_000)]
    public int OpenFileCacheSize { get; set; } = 1024;

    /// <summary>
    /// What the store keeps in memory about a bucket (manifest, last change, file handle) is dropped
    /// after it has not been used for this long; the next use reads it from the bucket's files again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StateIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Most buckets the store keeps in memory at once (about 1 KB each); past it the least recently
    /// used idle ones are dropped before <see cref="StateIdleTimeout"/>, so a sweep over millions of
    /// buckets does not hold them all.
    /// </summary>
    [Range(16, 10_000_000)]
    public int MaxCachedStates { get; set; } = 100_000;
}
