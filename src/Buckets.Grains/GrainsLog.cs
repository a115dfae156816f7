using Microsoft.Extensions.Logging;

namespace Buckets.Grains;

/// <summary>Source-generated log messages of the grains. Never log values or secrets.</summary>
internal static partial class GrainsLog
{
    [LoggerMessage(1001, LogLevel.Debug, "Bucket {BucketId} activated with {Entries} entries at change {LastSeq}")]
    public static partial void Activated(ILogger logger, string bucketId, int entries, long lastSeq);

    [LoggerMessage(1002, LogLevel.Debug, "Bucket {BucketId} deactivating ({Reason})")]
    public static partial void Deactivating(ILogger logger, string bucketId, string reason);

    [LoggerMessage(1003, LogLevel.Warning, "Bucket {BucketId} journal overflowed at {Capacity} changes; the backup server will receive a full snapshot")]
    public static partial void JournalOverflowed(ILogger logger, string bucketId, int capacity);
}
