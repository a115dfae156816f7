namespace Buckets.Abstractions.Commands;

/// <summary>A key as a transaction watched it: the version it had (0 when absent).</summary>
/// <param name="Key">The watched key.</param>
/// <param name="Version">Its version when watched.</param>
[GenerateSerializer, Immutable, Alias("Buckets.WatchedKey")]
public sealed record WatchedKey(
    [property: Id(0)] string Key,
    [property: Id(1)] long Version);
