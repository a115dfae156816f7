namespace Buckets.Abstractions;

/// <summary>The kind of a batch operation.</summary>
public enum BatchOperationKind
{
    /// <summary>Write an entry.</summary>
    Set = 0,

    /// <summary>Remove an entry.</summary>
    Delete = 1,
}
