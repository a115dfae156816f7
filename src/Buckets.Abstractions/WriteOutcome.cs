namespace Buckets.Abstractions;

/// <summary>What happened to a single write or delete.</summary>
public enum WriteOutcome
{
    /// <summary>A new entry was created.</summary>
    Created = 0,

    /// <summary>An existing entry was replaced.</summary>
    Replaced = 1,

    /// <summary>The entry was deleted.</summary>
    Deleted = 2,

    /// <summary>No live entry has this key.</summary>
    NotFound = 3,

    /// <summary>The compare-and-set version did not match the live entry.</summary>
    VersionMismatch = 4,

    /// <summary>A create-only write found a live entry.</summary>
    AlreadyExists = 5,

    /// <summary>The bucket already holds its maximum number of entries or bytes.</summary>
    BucketFull = 6,

    /// <summary>Not applied because another operation of the same batch failed.</summary>
    NotAttempted = 7,
}
