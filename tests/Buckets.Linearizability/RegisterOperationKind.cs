namespace Buckets.Linearizability;

/// <summary>The three operations of a register: set a value, remove it, read it.</summary>
public enum RegisterOperationKind
{
    /// <summary>Sets <see cref="RegisterOperation.Value"/>.</summary>
    Write,

    /// <summary>Removes the value: a later read returns nothing.</summary>
    Delete,

    /// <summary>Returns the value, or nothing (<see cref="RegisterOperation.Value"/> null) when there is none.</summary>
    Read,
}
