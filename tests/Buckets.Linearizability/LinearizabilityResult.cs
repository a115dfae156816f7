namespace Buckets.Linearizability;

/// <summary>The verdict of <see cref="LinearizabilityChecker.Check"/>: linearizable, a violation with its witness, or undecided.</summary>
public abstract record LinearizabilityResult
{
    private LinearizabilityResult()
    {
    }

    /// <summary>Every key's history has an order of its operations that a register allows and that respects real time.</summary>
    public sealed record Linearizable(int Keys, int Operations) : LinearizabilityResult;

    /// <summary>
    /// A key whose history no register allows. <see cref="Witness"/> is a minimal set of its
    /// operations that is already impossible, <see cref="Explanation"/> says why in words.
    /// </summary>
    public sealed record Violation(string Key, string Explanation, IReadOnlyList<RegisterOperation> Witness) : LinearizabilityResult
    {
        public override string ToString() => $"key {Key}: {Explanation}";
    }

    /// <summary>No violation found, but a key's history was over the budget: nothing is claimed about it.</summary>
    public sealed record Undecided(string Key, string Reason) : LinearizabilityResult
    {
        public override string ToString() => $"key {Key}: undecided, {Reason}";
    }
}
