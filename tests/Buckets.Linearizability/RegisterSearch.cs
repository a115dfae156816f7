namespace Buckets.Linearizability;

/// <summary>
/// The search for one key: Wing and Gong's, with Lowe's memoisation of (set of operations
/// linearized, register state) pairs, as in Lowe's "Testing for linearizability" (2017) and
/// Porcupine. The history is a list of call and return entries in time order; the search takes
/// the first call whose operation the register allows now, linearizes it (lifting its call and
/// return out of the list) and starts again from the head; meeting a return whose call was not
/// linearized means the order so far is wrong, so it undoes the last choice and tries the next
/// call. A (set, state) pair already seen leads nowhere new and is skipped.
/// </summary>
internal sealed class RegisterSearch
{
    private readonly record struct Choice(int Call, int StateBefore, bool Forced);

    private const int None = -1;
    private readonly RegisterStep[] _operations;
    private readonly int _initialState;
    private readonly int[] _next;
    private readonly int[] _previous;
    private readonly int _head;

    /// <param name="operations">Writes, deletes and answered reads of one key; an unknown outcome has <see cref="RegisterStep.Returned"/> <see cref="long.MaxValue"/>.</param>
    /// <param name="initialState">The value id the register holds before the history (0: nothing).</param>
    public RegisterSearch(IReadOnlyList<RegisterStep> operations, int initialState)
    {
        _operations = [.. operations];
        _initialState = initialState;

        // Entry 2i is operation i's call, 2i + 1 its return. Calls sort before returns at the same
        // instant, so operations that merely touch count as concurrent: the checker errs towards
        // "linearizable", never towards a false violation.
        var order = Enumerable.Range(0, 2 * _operations.Length)
            .OrderBy(entry => IsCall(entry) ? _operations[entry / 2].Invoked : _operations[entry / 2].Returned)
            .ThenBy(entry => IsCall(entry) ? 0 : 1)
            .ThenBy(entry => entry)
            .ToArray();
        _head = 2 * _operations.Length;
        _next = new int[_head + 1];
        _previous = new int[_head + 1];
        var last = _head;
        foreach (var entry in order)
        {
            _next[last] = entry;
            _previous[entry] = last;
            last = entry;
        }

        _next[last] = None;
    }

    /// <summary>Searches for a linearization; <paramref name="stepsLeft"/> is spent as it goes.</summary>
    public SearchOutcome Run(ref long stepsLeft)
    {
        var linearized = new OperationSet(_operations.Length);
        var seen = new HashSet<OperationSet.Snapshot>();
        var choices = new Stack<Choice>();
        var state = _initialState;
        var entry = _next[_head];
        while (_next[_head] != None)
        {
            if (--stepsLeft < 0)
            {
                RestoreAll(choices);
                return SearchOutcome.OverBudget;
            }

            // A pending read that returned the current state goes first, and is no choice point:
            // any linearization that puts it later stays one with it moved here (a read changes
            // nothing, and whatever had to precede it is linearized already). Without this, the
            // places of concurrent reads multiply the search.
            if (entry == _next[_head] && MatchingRead(state) is { } read)
            {
                linearized.Add(read / 2);
                choices.Push(new Choice(read, state, Forced: true));
                Lift(read);
                entry = _next[_head];
                continue;
            }

            if (IsCall(entry))
            {
                var operation = entry / 2;
                if (TryApply(_operations[operation], state, out var after))
                {
                    linearized.Add(operation);
                    if (seen.Add(linearized.Take(after)))
                    {
                        choices.Push(new Choice(entry, state, Forced: false));
                        state = after;
                        Lift(entry);
                        entry = _next[_head];
                        continue;
                    }

                    linearized.Remove(operation);
                }

                entry = _next[entry];
            }
            else
            {
                // A return whose call is not linearized: undo back to the last real choice and try
                // the call after it.
                Choice undone;
                do
                {
                    if (choices.Count == 0)
                    {
                        return SearchOutcome.NotLinearizable;
                    }

                    undone = choices.Pop();
                    linearized.Remove(undone.Call / 2);
                    state = undone.StateBefore;
                    Unlift(undone.Call);
                }
                while (undone.Forced);

                entry = _next[undone.Call];
            }
        }

        RestoreAll(choices);
        return SearchOutcome.Linearizable;
    }

    /// <summary>The call of a read that returned <paramref name="state"/> and may be linearized now (before the first pending return).</summary>
    private int? MatchingRead(int state)
    {
        for (var entry = _next[_head]; entry != None && IsCall(entry); entry = _next[entry])
        {
            var operation = _operations[entry / 2];
            if (operation.Kind == RegisterOperationKind.Read && operation.Value == state)
            {
                return entry;
            }
        }

        return null;
    }

    private static bool IsCall(int entry) => entry % 2 == 0;

    private static bool TryApply(RegisterStep operation, int state, out int after)
    {
        switch (operation.Kind)
        {
            case RegisterOperationKind.Write:
            case RegisterOperationKind.Delete:
                after = operation.Value;
                return true;
            default:
                after = state;
                return operation.Value == state;
        }
    }

    // Dancing links: a lifted call and its return leave the list but keep their own links, so
    // undoing the lifts in reverse order puts them back exactly.
    private void Lift(int call)
    {
        Unlink(call);
        Unlink(call + 1);
    }

    private void Unlift(int call)
    {
        Relink(call + 1);
        Relink(call);
    }

    private void Unlink(int entry)
    {
        _next[_previous[entry]] = _next[entry];
        if (_next[entry] != None)
        {
            _previous[_next[entry]] = _previous[entry];
        }
    }

    private void Relink(int entry)
    {
        _next[_previous[entry]] = entry;
        if (_next[entry] != None)
        {
            _previous[_next[entry]] = entry;
        }
    }

    private void RestoreAll(Stack<Choice> choices)
    {
        while (choices.Count > 0)
        {
            Unlift(choices.Pop().Call);
        }
    }
}
