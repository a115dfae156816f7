namespace Buckets.Englang;

/// <summary>
/// The continuity rule shared by the verifier and the replayer: each change's number is the previous
/// plus one, and a snapshot must be as of the last change seen (the next change is then its number plus one).
/// The first numbered record sets the starting point.
/// </summary>
internal sealed class SequenceTracker
{
    /// <summary>The first number seen, if any.</summary>
    public long? First { get; private set; }

    /// <summary>The last number accepted, if any.</summary>
    public long? Last { get; private set; }

    /// <summary>Checks a change number; returns the gap or overlap message, or null when it continues the history.</summary>
    public string? CheckChange(long seq)
    {
        if (Last is not { } last || seq == last + 1)
        {
            return null;
        }

        return seq > last
            ? $"gap in the change history: change {seq} follows change {last}, so {Missing(last + 1, seq - 1)}"
            : $"overlap in the change history: change {seq} follows change {last} (expected change {last + 1})";
    }

    /// <summary>Checks a snapshot's number; returns the gap or overlap message, or null when it matches the last change.</summary>
    public string? CheckSnapshot(long seq)
    {
        if (Last is not { } last || seq == last)
        {
            return null;
        }

        return seq > last
            ? $"gap in the change history: a snapshot as of change {seq} follows change {last}, so {Missing(last + 1, seq)}"
            : $"overlap in the change history: a snapshot as of change {seq} follows change {last} (a snapshot must be as of change {last})";
    }

    /// <summary>Accepts a number as the new last one.</summary>
    public void Advance(long seq)
    {
        First ??= seq;
        Last = seq;
    }

    private static string Missing(long from, long to) =>
        from == to ? $"change {from} is missing" : $"changes {from} to {to} are missing";
}
