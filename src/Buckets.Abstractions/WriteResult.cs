namespace Buckets.Abstractions;

/// <summary>The result of a write or delete.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Version">The entry's version after the write (0 when nothing was written).</param>
[GenerateSerializer, Immutable, Alias("Buckets.WriteResult")]
public sealed record WriteResult(
    [property: Id(0)] WriteOutcome Outcome,
    [property: Id(1)] long Version)
{
    /// <summary>True when the bucket changed.</summary>
    public bool Succeeded => Outcome is WriteOutcome.Created or WriteOutcome.Replaced or WriteOutcome.Deleted;
}
