namespace Buckets.Abstractions;

/// <summary>A request to write one entry.</summary>
/// <param name="Key">The entry key (already validated by the caller; the grain validates again).</param>
/// <param name="Value">The bytes to store; ownership passes to the bucket.</param>
/// <param name="TtlSeconds">Seconds until expiry; <c>null</c> applies the bucket's default TTL.</param>
/// <param name="IfVersion">Compare-and-set: write only when the live entry has this version.</param>
/// <param name="CreateOnly">Write only when no live entry exists.</param>
[GenerateSerializer, Immutable, Alias("Buckets.SetCommand")]
public sealed record SetCommand(
    [property: Id(0)] string Key,
    [property: Id(1)] byte[] Value,
    [property: Id(2)] long? TtlSeconds = null,
    [property: Id(3)] long? IfVersion = null,
    [property: Id(4)] bool CreateOnly = false);
