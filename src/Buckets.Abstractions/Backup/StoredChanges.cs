namespace Buckets.Abstractions.Backup;

/// <summary>A ranged read of a bucket's stored changes from a backup server, for the change feed.</summary>
/// <param name="Englang">The change lines after the number asked for, in order (a snapshot that is one change stands as its header line); empty when none follow.</param>
/// <param name="OldestAfter">The smallest number a reader may resume after: older changes are not kept one by one.</param>
/// <param name="LastSeq">The last change stored.</param>
[GenerateSerializer, Immutable, Alias("Buckets.StoredChanges")]
public sealed record StoredChanges(
    [property: Id(0)] byte[] Englang,
    [property: Id(1)] long OldestAfter,
    [property: Id(2)] long LastSeq);
