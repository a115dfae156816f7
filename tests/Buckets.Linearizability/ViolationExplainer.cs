namespace Buckets.Linearizability;

/// <summary>
/// Turns a key's non-linearizable history into a small witness and a sentence: first the two
/// usual shapes (a read of a value nothing wrote; a stale read, of a value overwritten by an
/// acknowledged write that ended before the read began), else the history shrunk one operation
/// at a time for as long as what is left stays non-linearizable (see <see cref="Shrink"/>).
/// </summary>
internal static class ViolationExplainer
{
    public static LinearizabilityResult.Violation Explain(string key, IReadOnlyList<RegisterOperation> operations, long stepsLeft)
    {
        var reads = operations.Where(operation => operation.Kind == RegisterOperationKind.Read).OrderBy(operation => operation.Invoked);
        foreach (var read in reads)
        {
            var producers = operations.Where(operation => Produces(operation, read.Value)).ToList();
            if (read.Value is not null && producers.All(producer => producer.Invoked > read.Responded))
            {
                return new(key, $"the {read}, a value no write had set by then", [read]);
            }

            if (StaleRead(operations, read, producers) is { } overwrite)
            {
                var last = producers.MaxBy(producer => producer.Responded);
                var before = (last, read.Value) switch
                {
                    (null, null) => "the key had no value only before its first write",
                    (null, _) => "no write had set it",
                    _ => $"every {(read.Value is null ? "delete" : $"write of {RegisterOperation.Quote(read.Value)}")} had ended before that began (the last: the {last})",
                };
                RegisterOperation[] witness = last is null ? [overwrite, read] : [last, overwrite, read];
                return new(key, $"the {read}, but the {overwrite} ended before the read began, and {before}", witness);
            }
        }

        var minimal = Shrink(operations, stepsLeft);
        var listed = string.Join("; ", minimal.OrderBy(operation => operation.Invoked).Select(operation => operation.ToString()));
        return new(key, $"no order of these {minimal.Count} operations keeps real time and what each read returned: {listed}", minimal);
    }

    private static bool Produces(RegisterOperation operation, string? value) => value is null
        ? operation.Kind == RegisterOperationKind.Delete
        : operation.Kind == RegisterOperationKind.Write && string.Equals(operation.Value, value, StringComparison.Ordinal);

    /// <summary>An acknowledged write or delete of another value that ended before the read began, after every producer of the read's value had ended.</summary>
    private static RegisterOperation? StaleRead(IReadOnlyList<RegisterOperation> operations, RegisterOperation read, IReadOnlyList<RegisterOperation> producers) =>
        operations
            .Where(operation => operation.Kind != RegisterOperationKind.Read
                && operation.Outcome == OperationOutcome.Ok
                && !string.Equals(operation.Value, read.Value, StringComparison.Ordinal)
                && operation.Responded < read.Invoked
                && producers.All(producer => producer.Outcome == OperationOutcome.Ok && producer.Responded < operation.Invoked))
            .MaxBy(operation => operation.Responded);

    /// <summary>
    /// Leaves out, while the rest stays non-linearizable, any read, and any write (or delete)
    /// whose value no remaining read returned: leaving those out only removes constraints, so what
    /// remains is still a witness of the same violation, not a new one (as a read left without its
    /// write would be).
    /// </summary>
    private static List<RegisterOperation> Shrink(IReadOnlyList<RegisterOperation> operations, long stepsLeft)
    {
        var current = operations.ToList();
        var shrunk = true;
        while (shrunk)
        {
            shrunk = false;
            for (var i = current.Count - 1; i >= 0; i--)
            {
                var operation = current[i];
                if (operation.Kind != RegisterOperationKind.Read
                    && current.Any(read => read.Kind == RegisterOperationKind.Read && Produces(operation, read.Value)))
                {
                    continue;
                }

                var candidate = current.Where((_, index) => index != i).ToList();
                switch (LinearizabilityChecker.Search(candidate, ref stepsLeft))
                {
                    case SearchOutcome.NotLinearizable:
                        current = candidate;
                        shrunk = true;
                        break;
                    case SearchOutcome.OverBudget:
                        return current;
                }
            }
        }

        return current;
    }
}
