namespace Buckets.Abstractions.Backup;

/// <summary>Changes of one bucket on their way to the backup server, as Englang lines.</summary>
/// <param name="BucketId">The bucket.</param>
/// <param name="Epoch">The epoch of the activation that made the changes (fencing).</param>
/// <param name="IsSnapshot">True when <paramref name="Englang"/> is a full snapshot instead of change lines.</param>
/// <param name="ToSeq">The last sequence number included.</param>
/// <param name="Englang">UTF-8 Englang lines.</param>
[GenerateSerializer, Immutable, Alias("Buckets.Backup.ChangeBatch")]
public sealed record ChangeBatch(
    [property: Id(0)] string BucketId,
    [property: Id(1)] long Epoch,
    [property: Id(2)] bool IsSnapshot,
    [property: Id(3)] long ToSeq,
    [property: Id(4)] byte[] Englang);
