namespace Buckets.Abstractions;

/// <summary>The result of a batch: either every operation was applied or none was.</summary>
/// <param name="Applied">True when all operations were applied.</param>
/// <param name="Results">One result per operation, in request order.</param>
[GenerateSerializer, Immutable, Alias("Buckets.BatchResult")]
public sealed record BatchResult(
    [property: Id(0)] bool Applied,
    [property: Id(1)] IReadOnlyList<WriteResult> Results);
