using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>
/// Changes not yet acknowledged by the backup server, bounded in count and in bytes. On overflow the
/// journal drops what it holds and restarts, so the backup server must take a full snapshot to catch
/// up: a change is never silently lost, it is carried by the snapshot instead. Changes made after a
/// snapshot's sequence stay held, so once that snapshot is acknowledged incremental changes follow.
/// Not thread-safe: owned by one bucket activation.
/// </summary>
/// <remarks>
/// The changes are held encoded, one after another in one byte array, not as objects. A change lives
/// from its write until the backup acknowledges it (a pull interval or more), long enough to outlive
/// a gen0 collection: held as a record, its value array and the list slot pointing at them, every
/// change was promoted and traced by the collector, and gen1 collections ran four to five times a
/// second under a write load with backups on (0 with backups off). Bytes hold no references.
/// <see cref="ChangesAfter"/> decodes the few changes a pull sends, which die young.
/// </remarks>
public sealed class ChangeJournal
{
    /// <summary>
    /// Estimated memory of one held change besides its key and value (its encoded header and a share
    /// of the array's spare room). An estimate is enough: the bound is about orders of magnitude
    /// (1 MiB values), not exact bytes.
    /// </summary>
    private const int ChangeOverheadBytes = 128;

    // The encoded change: total length, time (UTC ticks and offset minutes), kind, flags, then each
    // optional part its flag announces, the key (length in chars, UTF-16: exact for any string) and
    // the value (length, bytes). No change number: the held changes are consecutive from FirstSeq.
    private const int LengthBytes = sizeof(int);
    private const int TimeBytes = sizeof(long) + sizeof(short);
    private const int FixedBytes = LengthBytes + TimeBytes + 2 + sizeof(int);
    private const int FlagsOffset = LengthBytes + TimeBytes + 1;
    private const int PolicyBytes = 1 + sizeof(long);
    private const byte HasValue = 1;
    private const byte HasExpiry = 2;
    private const byte HasPolicy = 4;
    private const byte PolicyHasTtl = 8;

    // A quiet bucket gives back an array this large when it holds less than a quarter of it.
    private const int TrimWorthBytes = 4 * 1024;
    private const int SpareFraction = 4;

    private readonly int _capacity;
    private readonly long _maxBytes;
    private long _nextSeq;
    private byte[] _buffer = [];

    // The held changes are _buffer[_head.._tail].
    private int _head;
    private int _tail;

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
    public int Count { get; private set; }

    /// <summary>Estimated bytes of the changes held (see <see cref="SizeOf"/>).</summary>
    public long Bytes { get; private set; }

    /// <summary>How many times the journal overflowed (in count or bytes) since activation.</summary>
    public long Overflows { get; private set; }

    /// <summary>True when the changes after <see cref="AcknowledgedSeq"/> are no longer all held.</summary>
    public bool NeedsSnapshot => !HoldsChangesAfter(AcknowledgedSeq);

    /// <summary>True when the array holding the changes has much more room than they take (after a burst).</summary>
    public bool WorthTrimming => _buffer.Length >= TrimWorthBytes && (_tail - _head) * SpareFraction < _buffer.Length;

    /// <summary>Estimated memory a held change takes: its key (UTF-16), its value and <see cref="ChangeOverheadBytes"/>.</summary>
    public static long SizeOf(BucketChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return EstimatedBytes(change.Key.Length, change.Value?.Length ?? 0);
    }

    private static long EstimatedBytes(int keyChars, int valueBytes) => ChangeOverheadBytes + (2L * keyChars) + valueBytes;

    /// <summary>The first change held (the next one to come when none is).</summary>
    private long FirstSeq => _nextSeq - Count;

    /// <summary>True when every change after <paramref name="seq"/> is held, so incremental changes can follow it.</summary>
    public bool HoldsChangesAfter(long seq) => seq + 1 >= FirstSeq;

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
        var overflows = Count >= _capacity || (Count > 0 && Bytes + size > _maxBytes);
        if (overflows)
        {
            _head = _tail = 0;
            Count = 0;
            Bytes = 0;
            Overflows++;
        }

        Write(change);
        Count++;
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

        var first = FirstSeq;
        var skip = Math.Max(0, afterSeq + 1 - first);
        var count = (int)Math.Min(max, Count - skip);
        if (count <= 0)
        {
            return [];
        }

        var offset = _head;
        for (var i = 0L; i < skip; i++)
        {
            offset += RecordLength(offset);
        }

        var changes = new List<BucketChange>(count);
        for (var i = 0; i < count; i++)
        {
            changes.Add(Read(offset, first + skip + i));
            offset += RecordLength(offset);
        }

        return changes;
    }

    /// <summary>Drops every held change up to and including <paramref name="seq"/>.</summary>
    public void Acknowledge(long seq)
    {
        if (seq <= AcknowledgedSeq)
        {
            return;
        }

        AcknowledgedSeq = Math.Min(seq, _nextSeq - 1);
        while (Count > 0 && FirstSeq <= AcknowledgedSeq)
        {
            var length = RecordLength(_head);
            // The record's bytes past its header are the key's UTF-16 and the value: SizeOf's parts.
            Bytes -= ChangeOverheadBytes + length - HeaderBytes(_buffer[_head + FlagsOffset]);
            _head += length;
            Count--;
        }

        if (Count == 0)
        {
            _head = _tail = 0;
        }
    }

    /// <summary>Gives back the array's spare room (all of it when nothing is held); the next append grows it again.</summary>
    public void TrimExcess()
    {
        var held = _tail - _head;
        if (held == _buffer.Length)
        {
            return;
        }

        var trimmed = held == 0 ? [] : _buffer.AsSpan(_head, held).ToArray();
        _buffer = trimmed;
        _head = 0;
        _tail = held;
    }

    private void Write(BucketChange change)
    {
        var key = MemoryMarshal.AsBytes(change.Key.AsSpan());
        var flags = (byte)((change.Value is null ? 0 : HasValue) | (change.ExpiresAt is null ? 0 : HasExpiry)
            | (change.Policy is null ? 0 : HasPolicy) | (change.Policy?.DefaultTtlSeconds is null ? 0 : PolicyHasTtl));
        var length = (long)HeaderBytes(flags) + key.Length + (change.Value?.Length ?? 0);
        var span = Reserve(length);
        BinaryPrimitives.WriteInt32LittleEndian(span, (int)length);
        var at = LengthBytes;
        WriteTime(span[at..], change.At);
        at += TimeBytes;
        span[at++] = (byte)change.Kind;
        span[at++] = flags;
        if (change.ExpiresAt is { } expiresAt)
        {
            WriteTime(span[at..], expiresAt);
            at += TimeBytes;
        }

        if (change.Policy is { } policy)
        {
            span[at++] = (byte)policy.Durability;
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], policy.DefaultTtlSeconds ?? 0);
            at += sizeof(long);
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], change.Key.Length);
        at += sizeof(int);
        key.CopyTo(span[at..]);
        at += key.Length;
        if (change.Value is { } value)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], value.Length);
            value.CopyTo(span[(at + sizeof(int))..]);
        }
    }

    private BucketChange Read(int offset, long seq)
    {
        var span = _buffer.AsSpan(offset, RecordLength(offset));
        var at = LengthBytes;
        var time = ReadTime(span[at..]);
        at += TimeBytes;
        var kind = (ChangeKind)span[at++];
        var flags = span[at++];
        DateTimeOffset? expiresAt = null;
        if ((flags & HasExpiry) != 0)
        {
            expiresAt = ReadTime(span[at..]);
            at += TimeBytes;
        }

        BucketPolicy? policy = null;
        if ((flags & HasPolicy) != 0)
        {
            var ttl = BinaryPrimitives.ReadInt64LittleEndian(span[(at + 1)..]);
            policy = new BucketPolicy((Durability)span[at], (flags & PolicyHasTtl) != 0 ? ttl : null);
            at += PolicyBytes;
        }

        var keyChars = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
        at += sizeof(int);
        var key = new string(MemoryMarshal.Cast<byte, char>(span.Slice(at, keyChars * sizeof(char))));
        at += keyChars * sizeof(char);
        byte[]? value = null;
        if ((flags & HasValue) != 0)
        {
            var valueBytes = BinaryPrimitives.ReadInt32LittleEndian(span[at..]);
            value = span.Slice(at + sizeof(int), valueBytes).ToArray();
        }

        return new BucketChange(seq, time, kind, key, value, expiresAt, policy);
    }

    /// <summary>A record's bytes besides its key and value: the fixed part, the optional parts its flags announce, the value's length.</summary>
    private static int HeaderBytes(byte flags) => FixedBytes
        + ((flags & HasExpiry) != 0 ? TimeBytes : 0)
        + ((flags & HasPolicy) != 0 ? PolicyBytes : 0)
        + ((flags & HasValue) != 0 ? sizeof(int) : 0);

    private int RecordLength(int offset) => BinaryPrimitives.ReadInt32LittleEndian(_buffer.AsSpan(offset));

    /// <summary>Room for one more change at the tail: the held changes move to the front, or to a larger array.</summary>
    private Span<byte> Reserve(long length)
    {
        var held = _tail - _head;
        if (held + length > Array.MaxLength)
        {
            throw new InvalidOperationException("The journal cannot hold this change: it would take more than the largest array.");
        }

        if (_tail + length > _buffer.Length)
        {
            var needed = held + (int)length;
            if (needed <= _buffer.Length / 2)
            {
                _buffer.AsSpan(_head, held).CopyTo(_buffer);
            }
            else
            {
                var grown = new byte[(int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _buffer.Length))];
                _buffer.AsSpan(_head, held).CopyTo(grown);
                _buffer = grown;
            }

            _head = 0;
            _tail = held;
        }

        var span = _buffer.AsSpan(_tail, (int)length);
        _tail += (int)length;
        return span;
    }

    private static void WriteTime(Span<byte> span, DateTimeOffset time)
    {
        BinaryPrimitives.WriteInt64LittleEndian(span, time.UtcTicks);
        BinaryPrimitives.WriteInt16LittleEndian(span[sizeof(long)..], (short)time.Offset.TotalMinutes);
    }

    private static DateTimeOffset ReadTime(ReadOnlySpan<byte> span) =>
        new DateTimeOffset(BinaryPrimitives.ReadInt64LittleEndian(span), TimeSpan.Zero)
            .ToOffset(TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(span[sizeof(long)..])));
}
