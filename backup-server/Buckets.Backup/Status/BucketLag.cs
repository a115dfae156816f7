namespace Buckets.Backup.Status;

/// <summary>The last store of one bucket's changes.</summary>
/// <param name="LastSeq">The last change stored.</param>
/// <param name="StoredAt">When it was fsynced.</param>
/// <param name="Lag">Time from the batch's first change to its fsync.</param>
public sealed record BucketLag(long LastSeq, DateTimeOffset StoredAt, TimeSpan? Lag);
