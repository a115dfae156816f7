namespace Buckets.Abstractions;

/// <summary>A live entry read from a bucket.</summary>
/// <param name="Value">The stored bytes; callers must not mutate them (shared, not copied).</param>
/// <param name="Version">The change sequence number that last wrote the entry; used as the ETag.</param>
/// <param name="ExpiresAt">Absolute expiry in UTC, or <c>null</c> when the entry does not expire.</param>
[GenerateSerializer, Immutable, Alias("Buckets.BucketValue")]
public sealed record BucketValue(
    [property: Id(0)] byte[] Value,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset? ExpiresAt);
