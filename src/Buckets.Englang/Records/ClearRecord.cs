namespace Buckets.Englang;

/// <summary>
/// All entries of the bucket were removed (restore-to-point writes this before the restored state).
/// Replaying it empties the bucket and keeps its policy.
/// </summary>
/// <param name="At">When the change happened.</param>
/// <param name="BucketId">The bucket that changed.</param>
/// <param name="Seq">The change sequence number.</param>
public sealed record ClearRecord(
    DateTimeOffset At,
    string BucketId,
    long Seq) : EnglangRecord(At, BucketId), IChangeRecord;
