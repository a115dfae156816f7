using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>
/// The latest changes of a followed bucket, for its change feed: a ring bounded in count and in bytes
/// (estimated as <see cref="ChangeJournal.SizeOf"/>), oldest dropped first. It holds references to
/// the same change records the journal holds, so a change costs one slot here. A bucket nobody follows
/// has no window. Not thread-safe: owned by one bucket activation.
/// </summary>
public sealed class ChangeWindow
{
    private readonly BucketChange?[] _ring;
    private readonly long _maxBytes;
    private int _start;
    private int _count;

    /// <param name="capacity">Most changes held.</param>
    /// <param name="maxBytes">Most estimated bytes held; the latest change is held whatever its size.</param>
    /// <param name="lastSeq">The bucket's latest change: the window holds what comes after it.</param>
    public ChangeWindow(int capacity, long maxBytes, long lastSeq)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _ring = new BucketChange?[capacity];
        _maxBytes = maxBytes;
        LastSeq = lastSeq;
    }

    /// <summary>The latest change appended (or the number the window started at).</summary>
    public long LastSeq { get; private set; }

    /// <summary>Estimated bytes of the changes held.</summary>
    public long Bytes { get; private set; }

    /// <summary>Changes held.</summary>
    public int Count => _count;

    /// <summary>Every change after this number is held.</summary>
    public long HeldAfter => LastSeq - _count;

    /// <summary>
    /// Appends the next change. A change whose number does not follow the last one (the bucket's
    /// numbering jumped, e.g. to a newer backup's) restarts the window there: older numbers are then
    /// read from the backup server, never served with a gap.
    /// </summary>
    public void Append(BucketChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Seq != LastSeq + 1)
        {
            Restart(change.Seq - 1);
        }

        var size = ChangeJournal.SizeOf(change);
        while (_count > 0 && (_count == _ring.Length || Bytes + size > _maxBytes))
        {
            DropOldest();
        }

        _ring[(_start + _count) % _ring.Length] = change;
        _count++;
        Bytes += size;
        LastSeq = change.Seq;
    }

    /// <summary>Forgets what is held and holds what comes after <paramref name="lastSeq"/>.</summary>
    public void Restart(long lastSeq)
    {
        Array.Clear(_ring);
        _start = 0;
        _count = 0;
        Bytes = 0;
        LastSeq = lastSeq;
    }

    /// <summary>
    /// Up to <paramref name="max"/> changes after <paramref name="afterSeq"/> and within about
    /// <paramref name="maxBytes"/> (at least one), or <c>null</c> when they are no longer all held.
    /// </summary>
    public List<BucketChange>? ChangesAfter(long afterSeq, int max, long maxBytes)
    {
        if (afterSeq < HeldAfter || afterSeq > LastSeq)
        {
            return null;
        }

        var changes = new List<BucketChange>();
        var bytes = 0L;
        for (var seq = afterSeq + 1; seq <= LastSeq && changes.Count < max; seq++)
        {
            var change = _ring[(_start + (int)(seq - HeldAfter - 1)) % _ring.Length]!;
            bytes += ChangeJournal.SizeOf(change);
            if (changes.Count > 0 && bytes > maxBytes)
            {
                break;
            }

            changes.Add(change);
        }

        return changes;
    }

    private void DropOldest()
    {
        Bytes -= ChangeJournal.SizeOf(_ring[_start]!);
        _ring[_start] = null;
        _start = (_start + 1) % _ring.Length;
        _count--;
    }
}
