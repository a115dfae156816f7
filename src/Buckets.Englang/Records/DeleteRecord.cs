namespace Buckets.Englang;

/// <summary>A key was deleted, or removed because it reached its expiry.</summary>
/// <param name="At">When the change happened.</param>
/// <param name="BucketId">The bucket that changed.</param>
/// <param name="Seq">The change sequence number.</param>
/// <param name="Key">The key that was deleted.</param>
/// <param name="Expired">True when the bucket removed the key because its expiry came (written <c>as it expired</c>).</param>
/// <param name="Deadline">
/// The expiry the key reached, when <paramref name="Expired"/> (written <c>as it expired on TIME</c>); null on lines
/// written before the deadline was recorded, which read back with no deadline.
/// </param>
public sealed record DeleteRecord(
    DateTimeOffset At,
    string BucketId,
    long Seq,
    string Key,
    bool Expired = false,
    DateTimeOffset? Deadline = null) : EnglangRecord(At, BucketId), IChangeRecord;
