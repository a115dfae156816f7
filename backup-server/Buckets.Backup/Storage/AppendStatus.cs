namespace Buckets.Backup.Storage;

/// <summary>Outcome of an append.</summary>
public enum AppendStatus
{
    /// <summary>Stored and fsynced (or already stored before).</summary>
    Stored,

    /// <summary>Refused: a newer activation of the bucket holds a higher epoch (fencing).</summary>
    StaleEpoch,

    /// <summary>Refused: the first new change is not last + 1; send a snapshot instead.</summary>
    Gap,

    /// <summary>Refused: the lines are malformed, fail their checksum or belong to another bucket.</summary>
    Invalid,
}
