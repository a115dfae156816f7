namespace Buckets.Abstractions;

/// <summary>The kinds of change a bucket numbers: those its journal sends to the backup server, and those only its change feed reports.</summary>
public enum ChangeKind
{
    /// <summary>A key was written.</summary>
    Set,

    /// <summary>A key was deleted.</summary>
    Delete,

    /// <summary>The expiry of an existing key changed (its value did not).</summary>
    Expire,

    /// <summary>Every entry was removed (Redis's FLUSHDB); the key is empty.</summary>
    Clear,

    /// <summary>A key reached its expiry and was removed; <see cref="BucketChange.ExpiresAt"/> is the deadline it had.</summary>
    Expired,

    /// <summary>The bucket's policy changed (<see cref="BucketChange.Policy"/>); stored by the backup server as a snapshot.</summary>
    Policy,

    /// <summary>The bucket's entries were replaced by a restore from its backup; stored as a snapshot.</summary>
    Restore,

    /// <summary>
    /// Read back from the backup server: the bucket's whole state was stored at this change (a policy
    /// change or a restore; the backup keeps the state, not which of them it was).
    /// </summary>
    Snapshot,
}
