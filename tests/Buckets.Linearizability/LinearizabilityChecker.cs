namespace Buckets.Linearizability;

/// <summary>
/// Checks a history of register operations for linearizability, one key at a time (keys are
/// independent registers, and a history is linearizable exactly when each key's is). Each key's
/// register starts with no value. Writes that failed and reads that got no answer are left out;
/// writes with an unknown outcome may take effect at any time after their invocation, or never.
/// </summary>
public static class LinearizabilityChecker
{
    /// <summary>
    /// The first key (in ordinal order) whose history is not linearizable, with a minimal witness;
    /// else the first key the budget left undecided; else linearizable.
    /// </summary>
    public static LinearizabilityResult Check(IReadOnlyList<RegisterOperation> history, LinearizabilityBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        budget ??= LinearizabilityBudget.Default;
        LinearizabilityResult? undecided = null;
        var keys = 0;
        var operations = 0;
        foreach (var group in history.GroupBy(operation => operation.Key, StringComparer.Ordinal).OrderBy(group => group.Key, StringComparer.Ordinal))
        {
            var relevant = Relevant([.. group]);
            keys++;
            operations += relevant.Count;
            if (relevant.Count > budget.MaxOperationsPerKey)
            {
                undecided ??= new LinearizabilityResult.Undecided(group.Key, $"{relevant.Count} operations, above the {budget.MaxOperationsPerKey} a key may have");
                continue;
            }

            var stepsLeft = budget.MaxStepsPerKey;
            switch (Search(relevant, ref stepsLeft))
            {
                case SearchOutcome.NotLinearizable:
                    return ViolationExplainer.Explain(group.Key, relevant, stepsLeft);
                case SearchOutcome.OverBudget:
                    undecided ??= new LinearizabilityResult.Undecided(group.Key, $"the search took more than {budget.MaxStepsPerKey} steps");
                    break;
            }
        }

        return undecided ?? new LinearizabilityResult.Linearizable(keys, operations);
    }

    /// <summary>Searches one key's operations (all of them counting, see <see cref="Relevant"/>).</summary>
    internal static SearchOutcome Search(IReadOnlyList<RegisterOperation> operations, ref long stepsLeft)
    {
        var values = new Dictionary<string, int>(StringComparer.Ordinal);
        var steps = operations.Select(operation => new RegisterStep(
            operation.Kind,
            operation.Value is { } value ? ValueId(values, value) : 0,
            operation.Invoked.UtcTicks,
            operation.Outcome == OperationOutcome.Unknown ? long.MaxValue : operation.Responded.UtcTicks)).ToList();
        return new RegisterSearch(steps, initialState: 0).Run(ref stepsLeft);
    }

    /// <summary>
    /// The operations that constrain the search: not failed writes or unanswered reads, and not a
    /// write with an unknown outcome whose value no read returned (or such a delete when no read
    /// returned nothing): it may be taken as never applied, and applying it can only overwrite what
    /// a read needs. Leaving those out keeps a history full of timeouts from costing exponential time.
    /// </summary>
    private static List<RegisterOperation> Relevant(IReadOnlyList<RegisterOperation> operations)
    {
        var answered = operations.Where(operation => operation.Kind == RegisterOperationKind.Read && operation.Outcome == OperationOutcome.Ok).ToList();
        var returned = answered.Select(read => read.Value).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var returnedNothing = answered.Any(read => read.Value is null);
        return [.. operations.Where(operation => operation.Kind switch
        {
            RegisterOperationKind.Read => operation.Outcome == OperationOutcome.Ok,
            _ when operation.Outcome == OperationOutcome.Failed => false,
            _ when operation.Outcome == OperationOutcome.Ok => true,
            RegisterOperationKind.Write => returned.Contains(operation.Value!),
            _ => returnedNothing,
        })];
    }

    private static int ValueId(Dictionary<string, int> values, string value)
    {
        if (!values.TryGetValue(value, out var id))
        {
            id = values.Count + 1;
            values[value] = id;
        }

        return id;
    }
}
