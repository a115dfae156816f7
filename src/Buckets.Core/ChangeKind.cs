namespace Buckets.Core;

/// <summary>The kinds of change a bucket records in its journal.</summary>
public enum ChangeKind
{
    Set,
    Delete,

    /// <summary>The expiry of an existing key changed (its value did not).</summary>
    Expire,

    /// <summary>Every entry was removed (Redis's FLUSHDB); the key is empty.</summary>
    Clear,
}
