namespace Buckets.Contracts.Http;

/// <summary>How far the backup server has caught up with a bucket, in <c>GET /v1/bucket</c>.</summary>
/// <param name="AcknowledgedChange">The highest change the backup server has made durable.</param>
/// <param name="PendingChanges">Changes held in memory waiting for the backup server.</param>
/// <param name="NeedsSnapshot">True when the bucket's journal overflowed and its next backup is a full snapshot.</param>
public sealed record BackupProgressResponse(long AcknowledgedChange, long PendingChanges, bool NeedsSnapshot);
