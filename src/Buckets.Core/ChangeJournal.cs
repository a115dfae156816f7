namespace Buckets.Core;

/// <summary>
/// Changes not yet acknowledged by the backup server, bounded in count. On overflow the journal
/// drops what it holds and restarts, so the backup server must take a full snapshot to catch up:
/// a change is never silently lost, it is carried by the snapshot instead.
/// </summary>
public sealed class ChangeJournal
{
    private readonly List<BucketChange> _changes = [];
    private readonly int _capacity;
    private long _nextSeq;

    public ChangeJournal(int capacity, long lastSeq)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _nextSeq = lastSeq + 1;
        AcknowledgedSeq = lastSeq;
    }

    /// <summary>The highest change the backup server has acknowledged.</summary>
    public long AcknowledgedSeq { get; private set; }

    /// <summary>Changes held, waiting for acknowledgement.</summary>
    public int Count => _changes.Count;

    /// <summary>How many times the journal overflowed since activation.</summary>
    public long Overflows { get; private set; }

    /// <summary>True when the changes after <see cref="AcknowledgedSeq"/> are no longer all held.</summary>
    public bool NeedsSnapshot => FirstHeldSeq > AcknowledgedSeq + 1;

    private long FirstHeldSeq => _changes.Count > 0 ? _changes[0].Seq : _nextSeq;

    /// <summary>Appends the next change; returns false when this append overflowed the journal.</summary>
    public bool Append(BucketChange change)
    {
        if (change.Seq != _nextSeq)
        {
            throw new InvalidOperationException($"Journal expected change {_nextSeq} but got {change.Seq}.");
        }

        _nextSeq++;
        if (_changes.Count >= _capacity)
        {
            _changes.Clear();
            Overflows++;
            _changes.Add(change);
            return false;
        }

        _changes.Add(change);
        return true;
    }

    /// <summary>
    /// Returns up to <paramref name="max"/> held changes after <paramref name="afterSeq"/>, or <c>null</c>
    /// when they are not all held any more (the caller must send a snapshot instead).
    /// </summary>
    public IReadOnlyList<BucketChange>? ChangesAfter(long afterSeq, int max)
    {
        if (afterSeq + 1 < FirstHeldSeq)
        {
            return null;
        }

        var start = (int)Math.Max(0, afterSeq + 1 - FirstHeldSeq);
        var count = Math.Min(max, _changes.Count - start);
        return count <= 0 ? [] : _changes.GetRange(start, count);
    }

    /// <summary>Drops every held change up to and including <paramref name="seq"/>.</summary>
    public void Acknowledge(long seq)
    {
        if (seq <= AcknowledgedSeq)
        {
            return;
        }

        AcknowledgedSeq = Math.Min(seq, _nextSeq - 1);
        var drop = 0;
        while (drop < _changes.Count && _changes[drop].Seq <= AcknowledgedSeq)
        {
            drop++;
        }

        _changes.RemoveRange(0, drop);
    }
}
