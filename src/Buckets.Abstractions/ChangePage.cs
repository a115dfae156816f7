namespace Buckets.Abstractions;

/// <summary>The answer to <see cref="IBucketGrain.ReadChangesAsync"/>.</summary>
/// <param name="Changes">Changes after the number asked for, in order and without gaps; empty when none came within the wait.</param>
/// <param name="LastSeq">The bucket's latest change number when the page was made.</param>
/// <param name="Status">Whether the number asked for could be served.</param>
/// <param name="OldestAfter">With <see cref="ChangePageStatus.TooOld"/>: the smallest number a reader may resume after.</param>
[GenerateSerializer, Immutable, Alias("Buckets.ChangePage")]
public sealed record ChangePage(
    [property: Id(0)] IReadOnlyList<BucketChange> Changes,
    [property: Id(1)] long LastSeq,
    [property: Id(2)] ChangePageStatus Status,
    [property: Id(3)] long OldestAfter = 0);
