namespace Buckets.Englang;

/// <summary>A key was deleted.</summary>
/// <param name="At">When the change happened.</param>
/// <param name="BucketId">The bucket that changed.</param>
/// <param name="Seq">The change sequence number.</param>
/// <param name="Key">The key that was deleted.</param>
public sealed record DeleteRecord(
    DateTimeOffset At,
    string BucketId,
    long Seq,
    string Key) : EnglangRecord(At, BucketId), IChangeRecord;
