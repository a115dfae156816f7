namespace Buckets.Linearizability;

/// <summary>What one search over one key found.</summary>
internal enum SearchOutcome
{
    Linearizable,
    NotLinearizable,
    OverBudget,
}
