namespace Buckets.Englang;

/// <summary>
/// One line of an Englang log: something that happened to one bucket at one moment.
/// Every concrete record kind is a sealed record deriving from this type; write one with
/// <see cref="EnglangWriter"/>, parse one with <see cref="EnglangParser"/>.
/// </summary>
/// <param name="At">When it happened. Written in UTC, truncated to whole milliseconds.</param>
/// <param name="BucketId">The bucket it happened to.</param>
public abstract record EnglangRecord(DateTimeOffset At, string BucketId);
