namespace Buckets.Abstractions;

/// <summary>Per-bucket settings chosen by the bucket's owner.</summary>
/// <param name="Durability">How changes are backed up.</param>
/// <param name="DefaultTtlSeconds">TTL applied to writes that give none; <c>null</c> means entries never expire by default.</param>
[GenerateSerializer, Immutable, Alias("Buckets.BucketPolicy")]
public sealed record BucketPolicy(
    [property: Id(0)] Durability Durability,
    [property: Id(1)] long? DefaultTtlSeconds)
{
    /// <summary>The policy of a bucket nobody has configured: standard durability, no default TTL.</summary>
    public static BucketPolicy Default { get; } = new(Durability.Standard, null);
}
