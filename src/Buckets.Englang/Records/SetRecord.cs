namespace Buckets.Englang;

/// <summary>A key was set to a value, optionally with an expiry.</summary>
/// <param name="At">When the change happened.</param>
/// <param name="BucketId">The bucket that changed.</param>
/// <param name="Seq">The change sequence number.</param>
/// <param name="Key">The key that was set; any .NET string.</param>
/// <param name="Value">The value bytes; any bytes, possibly empty.</param>
/// <param name="ExpiresAt">When the entry expires, or <c>null</c> when it never does.</param>
public sealed record SetRecord(
    DateTimeOffset At,
    string BucketId,
    long Seq,
    string Key,
    byte[] Value,
    DateTimeOffset? ExpiresAt) : EnglangRecord(At, BucketId), IChangeRecord;
