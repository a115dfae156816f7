namespace Buckets.Linearizability;

/// <summary>
/// Bounds of one check, per key: a key with more operations, or whose search takes more steps,
/// is reported <see cref="LinearizabilityResult.Undecided"/>, never linearizable.
/// </summary>
public sealed record LinearizabilityBudget
{
    /// <summary>Default for <see cref="MaxOperationsPerKey"/>: far above a chaos round's few operations per key.</summary>
    public const int DefaultMaxOperationsPerKey = 256;

    /// <summary>Default for <see cref="MaxStepsPerKey"/>: about a second of search on one core.</summary>
    public const long DefaultMaxStepsPerKey = 2_000_000;

    public static LinearizabilityBudget Default { get; } = new();

    /// <summary>Operations of one key that are checked (failed writes and reads without an answer do not count).</summary>
    public int MaxOperationsPerKey { get; init; } = DefaultMaxOperationsPerKey;

    /// <summary>Search steps (one step tries or undoes one operation) for one key, explaining a violation included.</summary>
    public long MaxStepsPerKey { get; init; } = DefaultMaxStepsPerKey;
}
