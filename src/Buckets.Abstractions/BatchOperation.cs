namespace Buckets.Abstractions;

/// <summary>One operation of an all-or-nothing batch.</summary>
/// <param name="Kind">Set or delete.</param>
/// <param name="Key">The entry key.</param>
/// <param name="Value">The bytes to store (set only).</param>
/// <param name="TtlSeconds">Seconds until expiry (set only); <c>null</c> applies the bucket default.</param>
/// <param name="IfVersion">Compare-and-set precondition.</param>
/// <param name="CreateOnly">Create-only precondition (set only).</param>
[GenerateSerializer, Immutable, Alias("Buckets.BatchOperation")]
public sealed record BatchOperation(
    [property: Id(0)] BatchOperationKind Kind,
    [property: Id(1)] string Key,
    [property: Id(2)] byte[]? Value = null,
    [property: Id(3)] long? TtlSeconds = null,
    [property: Id(4)] long? IfVersion = null,
    [property: Id(5)] bool CreateOnly = false);
