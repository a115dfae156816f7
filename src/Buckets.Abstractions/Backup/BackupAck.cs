namespace Buckets.Abstractions.Backup;

/// <summary>The backup server's answer to a batch of one bucket's changes.</summary>
/// <param name="BucketId">The bucket.</param>
/// <param name="Epoch">The epoch the batch was sent under.</param>
/// <param name="Status">Stored or why not.</param>
/// <param name="LastSeq">The last sequence number the backup server holds for the bucket.</param>
[GenerateSerializer, Immutable, Alias("Buckets.Backup.BackupAck")]
public sealed record BackupAck(
    [property: Id(0)] string BucketId,
    [property: Id(1)] long Epoch,
    [property: Id(2)] AckStatus Status,
    [property: Id(3)] long LastSeq);
