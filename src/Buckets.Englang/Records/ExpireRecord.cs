namespace Buckets.Englang;

/// <summary>The expiry of an existing key changed.</summary>
/// <param name="At">When the change happened.</param>
/// <param name="BucketId">The bucket that changed.</param>
/// <param name="Seq">The change sequence number.</param>
/// <param name="Key">The key whose expiry changed.</param>
/// <param name="ExpiresAt">The new expiry, or <c>null</c> when the key no longer expires.</param>
public sealed record ExpireRecord(
    DateTimeOffset At,
    string BucketId,
    long Seq,
    string Key,
    DateTimeOffset? ExpiresAt) : EnglangRecord(At, BucketId), IChangeRecord;
