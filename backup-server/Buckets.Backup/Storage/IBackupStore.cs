using Buckets.Abstractions.Backup;

namespace Buckets.Backup.Storage;

/// <summary>
/// The backup server's durable store: one folder of Englang files per bucket. Every method is
/// thread-safe; calls for one bucket are serialised, calls for different buckets run in parallel.
/// A method returns only after what it wrote is fsynced.
/// </summary>
public interface IBackupStore
{
    /// <summary>
    /// Fencing: increments and durably records the bucket's epoch, and returns it with the bucket's
    /// current state as an Englang snapshot (UTF-8). A bucket never seen gets epoch 1 and an empty state.
    /// </summary>
    Task<EpochGrant> OpenEpochAsync(string bucketId, CancellationToken cancellationToken);

    /// <summary>
    /// Grants the proposed epoch when it is above every epoch the bucket knows (the next one when none
    /// is proposed), recording it durably; otherwise answers <see cref="EpochGrant.Granted"/> false with
    /// the highest epoch known. The state comes with the grant only when asked for.
    /// </summary>
    Task<EpochGrant> OpenEpochAsync(string bucketId, EpochRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Appends Englang change lines (UTF-8, '\n'-terminated, ascending contiguous sequence numbers)
    /// written by the activation holding <paramref name="epoch"/>. Lines at or below the stored last
    /// sequence are skipped (idempotent retries); the first new line must be last + 1.
    /// </summary>
    Task<AppendResult> AppendChangesAsync(string bucketId, long epoch, ReadOnlyMemory<byte> lines, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a full snapshot (header, entries, footer) from the activation holding <paramref name="epoch"/>
    /// as the bucket's new base at the header's sequence; ignored when that sequence is not newer than what is stored.
    /// Used when a grain's journal overflowed, on policy changes and on restore.
    /// </summary>
    Task<AppendResult> AppendSnapshotAsync(string bucketId, long epoch, ReadOnlyMemory<byte> snapshot, CancellationToken cancellationToken);

    /// <summary>
    /// The bucket's state as an Englang snapshot: at the end, at a sequence number (inclusive), or
    /// at a point in time (entries live at that time). <c>null</c> when the bucket has no backup.
    /// Throws <see cref="BackupCorruptException"/> naming file and line when history is damaged.
    /// </summary>
    Task<StateSnapshot?> ReadStateAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken);

    /// <summary>
    /// Erases the bucket: deletes every data file, keeps only its epoch (so a stale activation stays
    /// fenced), and appends an audit line without keys or values.
    /// </summary>
    Task EraseAsync(string bucketId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// An operator accepts the loss in a bucket that fails closed: what is readable is kept as a new
    /// base numbered above every acknowledged change, the damaged files are retired. <c>null</c> for a
    /// bucket never seen; <see cref="BucketRepair.Repaired"/> false when nothing was damaged.
    /// </summary>
    Task<BucketRepair?> RepairAsync(string bucketId, CancellationToken cancellationToken);

    /// <summary>Rewrites the bucket's history as a snapshot of its live entries when its segments outgrew the threshold; retires old files past retention.</summary>
    Task<bool> CompactIfNeededAsync(string bucketId, CancellationToken cancellationToken);

    /// <summary>Describes one bucket's backup (files, sequence range, bytes), or <c>null</c> when unknown.</summary>
    Task<BucketBackupInfo?> DescribeAsync(string bucketId, CancellationToken cancellationToken);

    /// <summary>The bucket's whole copy with its epochs, for a peer that resyncs it; <c>null</c> for a bucket never seen.</summary>
    Task<ReplicaCopy?> ReadReplicaAsync(string bucketId, CancellationToken cancellationToken);

    /// <summary>
    /// The copy as of change <paramref name="atSeq"/> (null or past the end: the whole copy), for a peer
    /// that compares digests at a common change; the epochs are the bucket's current ones. Throws
    /// <see cref="BackupHistoryUnavailableException"/> when that change is no longer kept.
    /// </summary>
    Task<ReplicaCopy?> ReadReplicaAsync(string bucketId, long? atSeq, CancellationToken cancellationToken);

    /// <summary>
    /// Resync: takes a peer's copy as this replica's state when it is newer (by writer epoch, then last
    /// change) than what is held, and raises the epoch to the copy's in any case; true when installed.
    /// </summary>
    Task<bool> InstallReplicaAsync(string bucketId, ReplicaCopy copy, CancellationToken cancellationToken);

    /// <summary>How new this replica's copy is; <c>null</c> for a bucket never seen.</summary>
    Task<ReplicaPosition?> PositionOfAsync(string bucketId, CancellationToken cancellationToken);

    /// <summary>
    /// Moves: deletes this replica's copy of a bucket now placed on other servers, only while it is
    /// still at <paramref name="expected"/> (what the caller found its new replicas hold); false when it changed.
    /// </summary>
    Task<bool> ForgetCopyAsync(string bucketId, ReplicaPosition expected, CancellationToken cancellationToken);

    /// <summary>
    /// Repair from peers (the integrity sweep): takes the copy as this replica's state whatever it holds
    /// (a damaged history that fails closed, or a divergent one), keeping the higher epoch and taking the
    /// copy's writer epoch and last change; the replaced files and older generations are deleted, an
    /// erased copy is installed as an erasure. With <paramref name="held"/> it replaces only while the
    /// bucket still holds that (writer epoch, last change), so a change stored meanwhile is never
    /// undone; false when it did not replace.
    /// </summary>
    Task<bool> ReplaceReplicaAsync(string bucketId, ReplicaCopy copy, ReplicaPosition? held, CancellationToken cancellationToken);

    /// <summary>
    /// Verifies the bucket's files as <c>buckets verify</c> does (checksums, continuity, snapshot counts and
    /// digests, manifest ranges), reading only; <c>null</c> for a bucket without a manifest.
    /// </summary>
    Task<BackupVerificationReport?> VerifyAsync(string bucketId, CancellationToken cancellationToken);

    /// <summary>Set when the store can no longer make writes durable (a failed fsync); a restart recovers from the files.</summary>
    Exception? Failure { get; }

    /// <summary>
    /// Up to <paramref name="limit"/> ids of buckets with a folder in the store, after the cursor
    /// <paramref name="after"/> (null: from the start), in a stable order (<see cref="BucketLayout"/>);
    /// a walk over every page sees each bucket present throughout exactly once, holding one page at a time.
    /// </summary>
    BucketIdPage ListBuckets(string? after, int limit);

    /// <summary>
    /// Ids of the buckets with a folder in the store, read lazily in the store's own order (stable while
    /// no bucket is added or removed), so a page of millions of buckets never holds them all.
    /// </summary>
    IEnumerable<string> EnumerateBuckets();

    /// <summary>
    /// Opens one of the bucket's files (a name from <see cref="DescribeAsync"/>) for reading, shared with
    /// the writers; <c>null</c> when the bucket has no such file.
    /// </summary>
    Stream? OpenFile(string bucketId, string fileName);
}
