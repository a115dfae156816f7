using Microsoft.Extensions.Logging;

namespace Buckets.Grains;

/// <summary>Source-generated log messages of the grains. Never log values or secrets.</summary>
internal static partial class GrainsLog
{
    [LoggerMessage(1001, LogLevel.Debug, "Bucket {BucketId} activated with {Entries} entries at change {LastSeq}, epoch {Epoch}")]
    public static partial void Activated(ILogger logger, string bucketId, int entries, long lastSeq, long epoch);

    [LoggerMessage(1002, LogLevel.Debug, "Bucket {BucketId} deactivating ({Reason})")]
    public static partial void Deactivating(ILogger logger, string bucketId, string reason);

    [LoggerMessage(1003, LogLevel.Warning, "Bucket {BucketId} journal overflowed ({Capacity} changes or {MaxBytes} bytes); the backup server will receive a full snapshot")]
    public static partial void JournalOverflowed(ILogger logger, string bucketId, int capacity, long maxBytes);

    [LoggerMessage(1004, LogLevel.Warning, "Bucket {BucketId} could not load its saved state; answering unavailable")]
    public static partial void RehydrateFailed(ILogger logger, string bucketId, Exception exception);

    [LoggerMessage(1005, LogLevel.Warning, "Bucket {BucketId} could not store changes up to {Seq} with backup server {Replica}")]
    public static partial void PushFailed(ILogger logger, string bucketId, string replica, long seq, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "Bucket {BucketId} epoch {Epoch} was fenced off by a newer activation; deactivating")]
    public static partial void Fenced(ILogger logger, string bucketId, long epoch);

    [LoggerMessage(1007, LogLevel.Information, "Bucket {BucketId}: backup server {Replica} answered {Status} at change {LastSeq}; sending a full snapshot next")]
    public static partial void SnapshotRequested(ILogger logger, string bucketId, string replica, string status, long lastSeq);

    [LoggerMessage(1008, LogLevel.Warning, "Bucket {BucketId} could not write its metadata")]
    public static partial void MetadataWriteFailed(ILogger logger, string bucketId, Exception exception);

    [LoggerMessage(1009, LogLevel.Warning, "Bucket {BucketId} refused a write: the silo holds {UnstoredBytes} bytes of changes the backup server has not stored, Buckets:Grain:UnstoredBytesBudget is {Budget}")]
    public static partial void UnstoredBudgetReached(ILogger logger, string bucketId, long unstoredBytes, long budget);

    [LoggerMessage(1010, LogLevel.Warning, "Silo under memory pressure: {MeasuredBytes} bytes measured, high-water mark {HighWaterBytes} (buckets hold {HeldBytes}); refusing writes that add data and deactivating idle buckets early")]
    public static partial void MemoryPressureEntered(ILogger logger, long measuredBytes, long highWaterBytes, long heldBytes);

    [LoggerMessage(1011, LogLevel.Information, "Silo left memory pressure: {MeasuredBytes} bytes measured, below {RecoveryBytes} (buckets hold {HeldBytes}); accepting writes again")]
    public static partial void MemoryPressureLeft(ILogger logger, long measuredBytes, long recoveryBytes, long heldBytes);

    [LoggerMessage(1012, LogLevel.Warning, "Could not deactivate idle buckets under memory pressure; retrying at the next check")]
    public static partial void SheddingFailed(ILogger logger, Exception exception);

    [LoggerMessage(1013, LogLevel.Information, "Bucket {BucketId} left its state ({Bytes} bytes) in {Pieces} pieces for the silo it moves to")]
    public static partial void HandoffLeft(ILogger logger, string bucketId, int pieces, long bytes);

    [LoggerMessage(1014, LogLevel.Warning, "Bucket {BucketId} could not hand its state over in pieces")]
    public static partial void HandoffFailed(ILogger logger, string bucketId, Exception exception);

    [LoggerMessage(1015, LogLevel.Warning, "Bucket {BucketId}: backup server {Replica} stayed behind ({JournalBytes} journal bytes); it catches up from a snapshot, the journal no longer waits for it")]
    public static partial void ReplicaLeftBehind(ILogger logger, string bucketId, string replica, long journalBytes);

    [LoggerMessage(1016, LogLevel.Debug, "Bucket {BucketId}: backup server {Replica} came back without the data it confirmed; it is sent the whole state")]
    public static partial void ReplicaForgotten(ILogger logger, string bucketId, string replica);

    [LoggerMessage(1017, LogLevel.Warning, "Bucket {BucketId}: backup server {Replica} could not give the stored changes a feed reader asked for; trying the next")]
    public static partial void FeedBackupReadFailed(ILogger logger, string bucketId, string replica, Exception exception);
}
