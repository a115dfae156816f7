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
/// A pull writes the changes it sends straight from those bytes (<see cref="TryRead"/>); <see cref="ChangesAfter"/>
/// decodes them into objects for the few readers that keep them (the change feed).
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
        return Append(change.Seq, change.At, change.Kind, change.Key, change.Value, change.ExpiresAt, change.Policy);
    }

    /// <summary>Appends the next change from its parts (no <see cref="BucketChange"/> needed); returns false when this append overflowed the journal.</summary>
    public bool Append(long seq, DateTimeOffset at, ChangeKind kind, string key, byte[]? value, DateTimeOffset? expiresAt, BucketPolicy? policy = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (seq != _nextSeq)
        {
            throw new InvalidOperationException($"Journal expected change {_nextSeq} but got {seq}.");
        }

        _nextSeq++;
        var size = EstimatedBytes(key.Length, value?.Length ?? 0);
        // A single change larger than the byte bound is still held: it is the one a snapshot would carry anyway.
        var overflows = Count >= _capacity || (Count > 0 && Bytes + size > _maxBytes);
        if (overflows)
        {
            _head = _tail = 0;
            Count = 0;
            Bytes = 0;
            Overflows++;
        }

        Write(at, kind, key, value, expiresAt, policy);
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
        if (!TryRead(afterSeq, max, out var held))
        {
            return null;
        }

        var changes = new List<BucketChange>(held.Count);
        foreach (var change in held)
        {
            changes.Add(change.ToChange());
        }

        return changes;
    }

    /// <summary>
    /// Reads up to <paramref name="max"/> held changes after <paramref name="afterSeq"/> in place, as
    /// views of the journal's array that are valid until it next changes (a backup batch is written
    /// from them with no object per change); false when they are not all held any more.
    /// </summary>
    public bool TryRead(long afterSeq, int max, out HeldChanges changes)
    {
        changes = default;
        if (!HoldsChangesAfter(afterSeq))
        {
            return false;
        }

        var first = FirstSeq;
        var skip = Math.Max(0, afterSeq + 1 - first);
        var count = (int)Math.Max(0, Math.Min(max, Count - skip));
        var offset = _head;
        for (var i = 0L; i < skip && i < Count; i++)
        {
            offset += RecordLength(offset);
        }

        changes = new HeldChanges(_buffer.AsSpan(offset, _tail - offset), first + skip, count);
        return true;
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

    private void Write(DateTimeOffset time, ChangeKind kind, string keyText, byte[]? value, DateTimeOffset? expiresAt, BucketPolicy? policy)
    {
        var key = MemoryMarshal.AsBytes(keyText.AsSpan());
        var flags = (byte)((value is null ? 0 : HasValue) | (expiresAt is null ? 0 : HasExpiry)
            | (policy is null ? 0 : HasPolicy) | (policy?.DefaultTtlSeconds is null ? 0 : PolicyHasTtl));
        var length = (long)HeaderBytes(flags) + key.Length + (value?.Length ?? 0);
        var span = Reserve(length);
        BinaryPrimitives.WriteInt32LittleEndian(span, (int)length);
        var at = LengthBytes;
        WriteTime(span[at..], time);
        at += TimeBytes;
        span[at++] = (byte)kind;
        span[at++] = flags;
        if (expiresAt is { } expiry)
        {
            WriteTime(span[at..], expiry);
            at += TimeBytes;
        }

        if (policy is { } held)
        {
            span[at++] = (byte)held.Durability;
            BinaryPrimitives.WriteInt64LittleEndian(span[at..], held.DefaultTtlSeconds ?? 0);
            at += sizeof(long);
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[at..], keyText.Length);
        at += sizeof(int);
        key.CopyTo(span[at..]);
        at += key.Length;
        if (value is not null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], value.Length);
            value.CopyTo(span[(at + sizeof(int))..]);
        }
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

    /// <summary>Held changes read in place, in order (see <see cref="TryRead"/>).</summary>
    public ref struct HeldChanges
    {
        private ReadOnlySpan<byte> _rest;
        private long _nextSeq;
        private int _remaining;

        internal HeldChanges(ReadOnlySpan<byte> records, long firstSeq, int count)
        {
            _rest = records;
            _nextSeq = firstSeq;
            _remaining = count;
            Count = count;
            Current = default;
        }

        /// <summary>How many changes this reads.</summary>
        public int Count { get; }

        public HeldChange Current { get; private set; }

        public readonly HeldChanges GetEnumerator() => this;

        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadInt32LittleEndian(_rest);
            Current = HeldChange.Decode(_rest[..length], _nextSeq);
            _rest = _rest[length..];
            _nextSeq++;
            _remaining--;
            return true;
        }
    }

    /// <summary>One held change, its key and value views of the journal's array.</summary>
    public readonly ref struct HeldChange
    {
        private HeldChange(long seq, DateTimeOffset at, ChangeKind kind, ReadOnlySpan<char> key, ReadOnlySpan<byte> value, bool hasValue, DateTimeOffset? expiresAt, BucketPolicy? policy)
        {
            Seq = seq;
            At = at;
            Kind = kind;
            Key = key;
            Value = value;
            HasValue = hasValue;
            ExpiresAt = expiresAt;
            Policy = policy;
        }

        public long Seq { get; }

        public DateTimeOffset At { get; }

        public ChangeKind Kind { get; }

        /// <summary>The key's UTF-16 chars.</summary>
        public ReadOnlySpan<char> Key { get; }

        /// <summary>The value's bytes (empty when <see cref="HasValue"/> is false).</summary>
        public ReadOnlySpan<byte> Value { get; }

        public bool HasValue { get; }

        public DateTimeOffset? ExpiresAt { get; }

        public BucketPolicy? Policy { get; }

        /// <summary>A copy that outlives the journal's array.</summary>
        public BucketChange ToChange() =>
            new(Seq, At, Kind, new string(Key), HasValue ? Value.ToArray() : null, ExpiresAt, Policy);

        internal static HeldChange Decode(ReadOnlySpan<byte> record, long seq)
        {
            var at = LengthBytes;
            var time = ReadTime(record[at..]);
            at += TimeBytes;
            var kind = (ChangeKind)record[at++];
            var flags = record[at++];
            DateTimeOffset? expiresAt = null;
            if ((flags & HasExpiry) != 0)
            {
                expiresAt = ReadTime(record[at..]);
                at += TimeBytes;
            }

            BucketPolicy? policy = null;
            if ((flags & HasPolicy) != 0)
            {
                var ttl = BinaryPrimitives.ReadInt64LittleEndian(record[(at + 1)..]);
                policy = new BucketPolicy((Durability)record[at], (flags & PolicyHasTtl) != 0 ? ttl : null);
                at += PolicyBytes;
            }

            var keyChars = BinaryPrimitives.ReadInt32LittleEndian(record[at..]);
            at += sizeof(int);
            var key = MemoryMarshal.Cast<byte, char>(record.Slice(at, keyChars * sizeof(char)));
            at += keyChars * sizeof(char);
            var hasValue = (flags & ChangeJournal.HasValue) != 0;
            var value = hasValue ? record.Slice(at + sizeof(int), BinaryPrimitives.ReadInt32LittleEndian(record[at..])) : default;
            return new HeldChange(seq, time, kind, key, value, hasValue, expiresAt, policy);
        }
    }
}
