namespace Buckets.Englang;

/// <summary>The bucket's policy changed.</summary>
/// <param name="At">When the change happened.</param>
/// <param name="BucketId">The bucket that changed.</param>
/// <param name="Seq">The change sequence number.</param>
/// <param name="Durability">One of <see cref="EnglangDurability.Cache"/>, <see cref="EnglangDurability.Standard"/>, <see cref="EnglangDurability.Critical"/>.</param>
/// <param name="DefaultTtl">The default time to live in whole seconds, or <c>null</c> for none.</param>
public sealed record PolicyRecord(
    DateTimeOffset At,
    string BucketId,
    long Seq,
    string Durability,
    TimeSpan? DefaultTtl) : EnglangRecord(At, BucketId), IChangeRecord;
