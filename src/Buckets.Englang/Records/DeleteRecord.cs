namespace Buckets.Englang;

/// <summary>A key was deleted, or removed because it reached its expiry.</summary>
/// <param name="At">When the change happened.</param>
/// <param name="BucketId">The bucket that changed.</param>
/// <param name="Seq">The change sequence number.</param>
/// <param name="Key">The key that was deleted.</param>
/// <param name="Expired">True when the bucket removed the key because its expiry came (written <c>as it expired</c>).</param>
public sealed record DeleteRecord(
    DateTimeOffset At,
    string BucketId,
    long Seq,
    string Key,
    bool Expired = false) : EnglangRecord(At, BucketId), IChangeRecord;
