using Buckets.Abstractions.Backup;
using Microsoft.Extensions.Logging;

namespace Buckets.Backup.Storage;

/// <summary>
/// Source-generated log messages of the file store (event ids 3000-3099). They name buckets, files,
/// lines and sequence numbers only: never keys, values, or the text of a damaged line.
/// </summary>
internal static partial class StorageLog
{
    [LoggerMessage(3000, LogLevel.Debug, "Bucket {BucketId} loaded from disk: epoch {Epoch}, last change {LastSeq}")]
    public static partial void BucketLoaded(ILogger logger, string bucketId, long epoch, long lastSeq);

    [LoggerMessage(3001, LogLevel.Warning, "Bucket {BucketId}: cut a torn last line off {File} at line {Line} (byte {ByteOffset}, {Bytes} bytes); every complete line before it was kept")]
    public static partial void TornTailCut(ILogger logger, string bucketId, string file, long line, long byteOffset, long bytes);

    [LoggerMessage(3002, LogLevel.Error, "Bucket {BucketId}: {File} has {Count} damaged lines, the first at line {Line}; they were left in place and reads will fail")]
    public static partial void DamagedLines(ILogger logger, string bucketId, string file, int count, long line);

    [LoggerMessage(3003, LogLevel.Warning, "Bucket {BucketId}: deleted {File}, which the manifest does not list (left by an interrupted operation)")]
    public static partial void LeftoverDeleted(ILogger logger, string bucketId, string file);

    [LoggerMessage(3004, LogLevel.Information, "Bucket {BucketId}: finished an interrupted seal by renaming {From} to {To}")]
    public static partial void SealRenameFinished(ILogger logger, string bucketId, string from, string to);

    [LoggerMessage(3005, LogLevel.Error, "Bucket {BucketId}: {File} is listed in the manifest but missing on disk")]
    public static partial void FileMissing(ILogger logger, string bucketId, string file);

    [LoggerMessage(3006, LogLevel.Error, "Bucket {BucketId}: the manifest says change {ManifestSeq} was stored but the files end at change {FileSeq}; continuing from the files")]
    public static partial void ManifestAheadOfFiles(ILogger logger, string bucketId, long manifestSeq, long fileSeq);

    [LoggerMessage(3007, LogLevel.Information, "Bucket {BucketId}: epoch {Epoch} opened at change {LastSeq}")]
    public static partial void EpochOpened(ILogger logger, string bucketId, long epoch, long lastSeq);

    [LoggerMessage(3008, LogLevel.Debug, "Bucket {BucketId}: append refused ({Status}) at change {LastSeq}")]
    public static partial void AppendRefused(ILogger logger, string bucketId, AckStatus status, long lastSeq);

    [LoggerMessage(3009, LogLevel.Information, "Bucket {BucketId}: sealed {File} ({Bytes} bytes)")]
    public static partial void SegmentSealed(ILogger logger, string bucketId, string file, long bytes);

    [LoggerMessage(3010, LogLevel.Information, "Bucket {BucketId}: snapshot as of change {Seq} stored as {File}; the previous files are retired")]
    public static partial void SnapshotStored(ILogger logger, string bucketId, long seq, string file);

    [LoggerMessage(3011, LogLevel.Information, "Bucket {BucketId}: compacted {Bytes} bytes of changes into {File} as of change {Seq}")]
    public static partial void Compacted(ILogger logger, string bucketId, long bytes, string file, long seq);

    [LoggerMessage(3012, LogLevel.Information, "Bucket {BucketId}: deleted {Count} retired files past retention")]
    public static partial void RetiredDeleted(ILogger logger, string bucketId, int count);

    [LoggerMessage(3013, LogLevel.Warning, "Bucket {BucketId} erased at change {LastSeq}; activations before epoch {Epoch} are fenced off")]
    public static partial void Erased(ILogger logger, string bucketId, long lastSeq, long epoch);

    [LoggerMessage(3014, LogLevel.Warning, "Bucket {BucketId}: {Operation} failed; the bucket will be reloaded from disk on its next use")]
    public static partial void OperationFailed(ILogger logger, Exception exception, string bucketId, string operation);

    [LoggerMessage(3015, LogLevel.Warning, "The erasure audit log {File}: cut a torn last line at line {Line}")]
    public static partial void AuditTornTailCut(ILogger logger, string file, long line);

    [LoggerMessage(3017, LogLevel.Warning, "Bucket {BucketId}: finishing an erasure a crash interrupted")]
    public static partial void ErasureResumed(ILogger logger, string bucketId);

    [LoggerMessage(3016, LogLevel.Error, "Bucket {BucketId}: the history is damaged at {File} line {Line}")]
    public static partial void HistoryDamaged(ILogger logger, string bucketId, string file, long? line);

    [LoggerMessage(3032, LogLevel.Error, "The write-ahead log {File} has {Count} damaged lines, the first at line {Line}; it is kept aside for an operator")]
    public static partial void LogDamaged(ILogger logger, string file, int count, long line);

    [LoggerMessage(3033, LogLevel.Information, "Replayed {Files} write-ahead log files into {Buckets} buckets (complete: {Complete})")]
    public static partial void LogReplayed(ILogger logger, int files, int buckets, bool complete);

    [LoggerMessage(3034, LogLevel.Error, "Bucket {BucketId}: could not replay the write-ahead log from change {Seq}: {Reason}")]
    public static partial void ReplayFailed(ILogger logger, string bucketId, long seq, string reason);

    [LoggerMessage(3035, LogLevel.Warning, "Bucket {BucketId} repaired by an operator: kept changes through {KeptSeq}, lost {Lost} acknowledged changes up to {LastSeq}; recorded as change {NewSeq}")]
    public static partial void Repaired(ILogger logger, string bucketId, long keptSeq, long lastSeq, long lost, long newSeq);

    [LoggerMessage(3060, LogLevel.Information, "Moved {Count} bucket folders from the flat layout into hash-prefix folders")]
    public static partial void LayoutMigrated(ILogger logger, int count);

    [LoggerMessage(3061, LogLevel.Error, "Bucket {BucketId} has a folder in the flat layout and one at {Folder}; the flat one is left in place for an operator")]
    public static partial void LayoutConflict(ILogger logger, string bucketId, string folder);

    [LoggerMessage(3062, LogLevel.Debug, "Dropped {Count} cached bucket states to stay under {Limit}")]
    public static partial void StatesTrimmed(ILogger logger, int count, int limit);

    [LoggerMessage(3063, LogLevel.Information, "Bucket {BucketId}: this server's copy (up to change {LastSeq}) is forgotten, its new replicas hold it")]
    public static partial void CopyForgotten(ILogger logger, string bucketId, long lastSeq);

    [LoggerMessage(3064, LogLevel.Information, "Bucket {BucketId}: installed a peer replica's copy written by epoch {WriterEpoch} at change {Seq} as {File}")]
    public static partial void ReplicaInstalled(ILogger logger, string bucketId, long writerEpoch, long seq, string file);
}
