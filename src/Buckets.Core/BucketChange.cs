namespace Buckets.Core;

/// <summary>One change to a bucket, as kept in its journal until the backup server acknowledges it.</summary>
public sealed record BucketChange(
    long Seq,
    DateTimeOffset At,
    ChangeKind Kind,
    string Key,
    byte[]? Value = null,
    DateTimeOffset? ExpiresAt = null);
