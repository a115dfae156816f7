namespace Buckets.Abstractions;

/// <summary>One page of keys in UTF-8 byte order (Unicode code point order).</summary>
/// <param name="Keys">The live keys of this page.</param>
/// <param name="NextAfter">The last key of the page when more may follow; pass it back to continue; <c>null</c> at the end.</param>
[GenerateSerializer, Immutable, Alias("Buckets.KeyPage")]
public sealed record KeyPage(
    [property: Id(0)] IReadOnlyList<string> Keys,
    [property: Id(1)] string? NextAfter);
