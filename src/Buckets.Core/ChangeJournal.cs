using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>
/// Changes not yet acknowledged by the backup server, bounded in count and in bytes. On overflow the
/// journal drops what it holds and restarts, so the backup server must take a full snapshot to catch
/// up: a change is never silently lost, it is carried by the snapshot instead. Changes made after a
/// snapshot's sequence stay held, so once that snapshot is acknowledged incremental changes follow.
/// Not thread-safe: owned by one bucket activation.
/// </summary>
public sealed class ChangeJournal
{
    /// <summary>
    /// Estimated memory of one held change besides its key and value: the record with its timestamps,
    /// the string and array headers and the list slot. An estimate is enough: the bound is about
    /// orders of magnitude (1 MiB values), not exact bytes.
    /// </summary>
    private const int ChangeOverheadBytes = 128;

    private readonly List<BucketChange> _changes = [];
    private readonly int _capacity;
    private readonly long _maxBytes;
    private long _nextSeq;

    /// <param name="capacity">Most changes held.</param>
    /// <param name="lastSeq">The last change already stored (or carried by a snapshot).</param>
    /// <param name="maxBytes">Most estimated bytes held (<see cref="SizeOf"/>); unbounded when not given.</param>
    public ChangeJournal(int capacity, long lastSeq, long maxBytes = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _capacity = capacity;
        _maxBytes = maxBytes;
        _nextSeq = lastSeq + 1;
        AcknowledgedSeq = lastSeq;
    }

    /// <summary>The highest change the backup server has acknowledged.</summary>
    public long AcknowledgedSeq { get; private set; }

    /// <summary>Changes held, waiting for acknowledgement.</summary>
    public int Count => _changes.Count;

    /// <summary>Estimated bytes of the changes held (see <see cref="SizeOf"/>).</summary>
    public long Bytes { get; private set; }

    /// <summary>How many times the journal overflowed (in count or bytes) since activation.</summary>
    public long Overflows { get; private set; }

    /// <summary>True when the changes after <see cref="AcknowledgedSeq"/> are no longer all held.</summary>
    public bool NeedsSnapshot => !HoldsChangesAfter(AcknowledgedSeq);

    private long FirstHeldSeq => _changes.Count > 0 ? _changes[0].Seq : _nextSeq;

    /// <summary>Estimated memory a held change takes: its key (UTF-16), its value and <see cref="ChangeOverheadBytes"/>.</summary>
    public static long SizeOf(BucketChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return ChangeOverheadBytes + (2L * change.Key.Length) + (change.Value?.Length ?? 0);
    }

    /// <summary>True when every change after <paramref name="seq"/> is held, so incremental changes can follow it.</summary>
    public bool HoldsChangesAfter(long seq) => seq + 1 >= FirstHeldSeq;

    /// <summary>Appends the next change; returns false when this append overflowed the journal.</summary>
    public bool Append(BucketChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Seq != _nextSeq)
        {
            throw new InvalidOperationException($"Journal expected change {_nextSeq} but got {change.Seq}.");
        }

        _nextSeq++;
        var size = SizeOf(change);
        // A single change larger than the byte bound is still held: it is the one a snapshot would carry anyway.
        var overflows = _changes.Count >= _capacity || (_changes.Count > 0 && Bytes + size > _maxBytes);
        if (overflows)
        {
            _changes.Clear();
            Bytes = 0;
            Overflows++;
        }

        _changes.Add(change);
        Bytes += size;
        return !overflows;
    }

    /// <summary>
    /// Returns up to <paramref name="max"/> held changes after <paramref name="afterSeq"/>, or <c>null</c>
    /// when they are not all held any more (the caller must send a snapshot instead).
    /// </summary>
    public IReadOnlyList<BucketChange>? ChangesAfter(long afterSeq, int max)
    {
        if (!HoldsChangesAfter(afterSeq))
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
            Bytes -= SizeOf(_changes[drop]);
            drop++;
        }

        _changes.RemoveRange(0, drop);
    }
}
