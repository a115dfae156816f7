namespace Buckets.Englang;

/// <summary>
/// The bucket was erased (the GDPR audit line): it says that the erasure happened and carries no
/// keys or values. Replaying it empties the bucket and resets its policy to the default.
/// </summary>
/// <param name="At">When the erasure happened.</param>
/// <param name="BucketId">The bucket that was erased.</param>
/// <param name="Seq">The change sequence number.</param>
public sealed record EraseRecord(
    DateTimeOffset At,
    string BucketId,
    long Seq) : EnglangRecord(At, BucketId), IChangeRecord;
