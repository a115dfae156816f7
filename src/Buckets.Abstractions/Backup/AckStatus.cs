namespace Buckets.Abstractions.Backup;

/// <summary>What the backup server did with a batch of changes.</summary>
public enum AckStatus
{
    /// <summary>Stored and fsynced up to the acknowledged sequence number.</summary>
    Stored = 0,

    /// <summary>Refused: a newer activation of the bucket holds a higher epoch; this one must stop.</summary>
    StaleEpoch = 1,

    /// <summary>Refused: the changes do not follow what is stored; send a full snapshot.</summary>
    Gap = 2,

    /// <summary>Refused: the lines were malformed; send a full snapshot.</summary>
    Invalid = 3,

    /// <summary>
    /// Refused: the backup server holds a different change under a sequence number the batch
    /// resends. The bucket must number its changes above the acknowledged last sequence and send a snapshot.
    /// </summary>
    Conflict = 4,
}
