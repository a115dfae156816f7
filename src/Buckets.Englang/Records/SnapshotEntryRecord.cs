namespace Buckets.Englang;

/// <summary>One entry of a snapshot: a key the bucket held at the snapshot's change.</summary>
/// <param name="At">When the snapshot was taken (the header's time).</param>
/// <param name="BucketId">The bucket.</param>
/// <param name="Key">The key.</param>
/// <param name="Value">The value bytes.</param>
/// <param name="ExpiresAt">When the entry expires, or <c>null</c> when it never does.</param>
/// <param name="Version">The change number that last wrote the entry.</param>
public sealed record SnapshotEntryRecord(
    DateTimeOffset At,
    string BucketId,
    string Key,
    byte[] Value,
    DateTimeOffset? ExpiresAt,
    long Version) : EnglangRecord(At, BucketId);
