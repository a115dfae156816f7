using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Buckets.Core;

/// <summary>
/// A chained hash table of entries keyed by UTF-8 key bytes, whose bytes live in an arena of
/// byte chunks rather than in one array per entry (saving the array header, its padding and one
/// GC object per entry). An entry is packed as
/// <c>[varint: key length &lt;&lt; 2 | has-expiry &lt;&lt; 1 | dead][varint: value length][expiry: 8 bytes LE, when flagged][key][value]</c>,
/// and its 24-byte slot holds the hash, the chain link, the chunk and offset of its bytes and the
/// version; entries without an expiry (most) spend nothing on one. Chunks stay below the large object
/// heap: the newest grows by doubling up to <see cref="MaxChunkBytes"/>, so a one-entry table holds one
/// exact array; an entry above <see cref="OwnChunkEntryBytes"/> gets a chunk of its own. Replacing or
/// removing an entry leaves its bytes dead in their chunk (an overwrite of the same size and expiry
/// presence is made in place instead); a chunk whose dead bytes reach a quarter of it (and 256 bytes)
/// is compacted at once (at most one chunk of copying per write, amortised O(1)). Slot indices
/// never change (the expiry heap and SCAN cursors hold them); <see cref="TrimExcess"/> gives spare
/// capacity back. Spans returned point into the arena and hold only until the next change. Not thread-safe.
/// </summary>
internal sealed class EntryTable
{
    /// <summary>Largest shared chunk: below the 85,000-byte large object heap threshold.</summary>
    public const int MaxChunkBytes = 64 * 1024;

    /// <summary>Entries larger than this get a chunk of their own, so a shared chunk never ends in a large unused tail.</summary>
    public const int OwnChunkEntryBytes = MaxChunkBytes / 8;

    private const int MinCapacity = 1;
    private const int ExpiryBytes = sizeof(long);
    private const int KeyShift = 2;
    private const uint ExpiryFlag = 2;
    private const byte DeadFlag = 1;

    // Smallest packed entry (two one-byte lengths, empty key and value): bounds the entries in a chunk.
    private const int MinEntryBytes = 2;

    // A shared chunk is compacted once its dead bytes reach this fraction of its used bytes, and
    // at least MinCompactGarbageBytes, so a tiny table does not copy its chunk on every overwrite.
    private const int CompactGarbageDivisor = 4;
    private const int MinCompactGarbageBytes = 256;

    // TrimExcess is worth a timer when it frees this much and this fraction of what the table holds.
    private const int MinTrimSpareBytes = 1024;
    private const int TrimSpareDivisor = 8;

    // A large table keeps this fraction of spare slots through a trim, so a few adds after each quiet
    // period do not copy its slot array up and down again.
    private const int LargeTableSlots = 1024;
    private const int TrimHeadroomDivisor = 16;

    private const int FreeSlotChunk = -1;

    private static readonly int SlotBytes = Unsafe.SizeOf<Slot>() + sizeof(int);

    private int[] _buckets = [];
    private Slot[] _slots = [];
    private int _used;
    private int _freeList = -1;

    private Chunk[] _chunks = [];
    private int _chunkCount;
    private int _freeChunks = -1;
    private int _current = -1;
    private long _arenaLength;
    private long _arenaUsed;
    private long _arenaGarbage;

    /// <summary>Live entries.</summary>
    public int Count { get; private set; }

    /// <summary>Slots ever handed out; live slots are those below it with data.</summary>
    public int HighWater => _used;

    /// <summary>Bytes held for slots, their bucket heads and the arena (array headers aside).</summary>
    public long AllocatedBytes => ((long)_slots.Length * SlotBytes) + _arenaLength;

    /// <summary>Of <see cref="AllocatedBytes"/>, what no live entry uses: spare slots, chunk tails and dead entry bytes.</summary>
    public long SpareBytes => ((long)(_slots.Length - _used) * SlotBytes) + (_arenaLength - _arenaUsed) + _arenaGarbage;

    /// <summary>Bytes of replaced or removed entries still in their chunks.</summary>
    public long GarbageBytes => _arenaGarbage;

    /// <summary>Chunks in use (shared and own).</summary>
    public int ChunkCount
    {
        get
        {
            var count = 0;
            for (var i = 0; i < _chunkCount; i++)
            {
                count += _chunks[i].Bytes is null ? 0 : 1;
            }

            return count;
        }
    }

    /// <summary>Slot capacity.</summary>
    public int Capacity => _slots.Length;

    /// <summary>True when <see cref="TrimExcess"/> would free enough to be worth doing.</summary>
    public bool WorthTrimming => SpareBytes >= Math.Max(MinTrimSpareBytes, AllocatedBytes / TrimSpareDivisor);

    public static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = default(HashCode);
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    /// <summary>The key of a packed entry (as <see cref="Entry"/> returns it).</summary>
    public static ReadOnlySpan<byte> KeyOf(ReadOnlySpan<byte> packed)
    {
        var entry = Decode(packed);
        return packed.Slice(entry.KeyAt, entry.KeyLength);
    }

    /// <summary>The value of a packed entry.</summary>
    public static ReadOnlySpan<byte> ValueOf(ReadOnlySpan<byte> packed)
    {
        var entry = Decode(packed);
        return packed.Slice(entry.ValueAt, entry.ValueLength);
    }

    /// <summary>The expiry of a packed entry in UTC ticks, or 0 when it never expires.</summary>
    public static long ExpiresAtTicksOf(ReadOnlySpan<byte> packed)
    {
        var entry = Decode(packed);
        return ExpiryOf(packed, entry);
    }

    /// <summary>Key plus value bytes of a packed entry (what limits count).</summary>
    public static int PayloadBytesOf(ReadOnlySpan<byte> packed)
    {
        var entry = Decode(packed);
        return entry.KeyLength + entry.ValueLength;
    }

    public bool IsLive(int slot) => _slots[slot].Chunk != FreeSlotChunk;

    public ReadOnlySpan<byte> Key(int slot) => KeyOf(At(slot));

    public ReadOnlySpan<byte> Value(int slot) => ValueOf(At(slot));

    /// <summary>The value of a live entry and its expiry in UTC ticks (0 when none), decoded once (a read needs both).</summary>
    public ReadOnlySpan<byte> Value(int slot, out long expiresAtTicks)
    {
        var at = At(slot);
        var entry = Decode(at);
        expiresAtTicks = ExpiryOf(at, entry);
        return at.Slice(entry.ValueAt, entry.ValueLength);
    }

    /// <summary>The packed bytes of a live entry (decode them with the static <c>…Of</c> methods).</summary>
    public ReadOnlySpan<byte> Entry(int slot)
    {
        var at = At(slot);
        return at[..Decode(at).Size];
    }

    /// <summary>Key plus value bytes of a live entry.</summary>
    public int PayloadBytes(int slot) => PayloadBytesOf(At(slot));

    public long Version(int slot) => _slots[slot].Version;

    public long ExpiresAtTicks(int slot) => ExpiresAtTicksOf(At(slot));

    /// <summary>The slot holding <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key, int hash)
    {
        if (_buckets.Length == 0)
        {
            return -1;
        }

        for (var i = _buckets[BucketOf(hash, _buckets.Length)] - 1; i >= 0; i = _slots[i].Next)
        {
            if (_slots[i].Hash == hash && Key(i).SequenceEqual(key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Adds an entry whose key is not present; returns its slot. Neither span may point into this table.</summary>
    public int Add(ReadOnlySpan<byte> key, int hash, ReadOnlySpan<byte> value, long version, long expiresAtTicks)
    {
        int index;
        if (_freeList >= 0)
        {
            index = _freeList;
            _freeList = _slots[index].Next;
        }
        else
        {
            if (_used == _slots.Length)
            {
                Grow(Math.Max(MinCapacity, _slots.Length * 2));
            }

            index = _used++;
        }

        var size = SizeOf(key.Length, value.Length, expiresAtTicks != 0);
        var (chunk, offset) = Allocate(size);
        Write(_chunks[chunk].Bytes.AsSpan(offset, size), key, value, expiresAtTicks);
        var bucket = BucketOf(hash, _buckets.Length);
        _slots[index] = new Slot { Hash = hash, Next = _buckets[bucket] - 1, Chunk = chunk, Offset = offset, Version = version };
        _buckets[bucket] = index + 1;
        Count++;
        return index;
    }

    /// <summary>Replaces the value, version and expiry of a live slot. <paramref name="value"/> may not point into this table.</summary>
    public void Replace(int index, ReadOnlySpan<byte> value, long version, long expiresAtTicks)
    {
        var (oldChunk, oldOffset) = (_slots[index].Chunk, _slots[index].Offset);
        var old = Decode(_chunks[oldChunk].Bytes.AsSpan(oldOffset));
        var hasExpiry = expiresAtTicks != 0;
        _slots[index].Version = version;
        if (old.ValueLength == value.Length && (old.ExpiryAt >= 0) == hasExpiry)
        {
            // Same layout: overwrite in place and leave no garbage (captures copy, so nothing shares these bytes).
            var bytes = _chunks[oldChunk].Bytes.AsSpan(oldOffset, old.Size);
            if (hasExpiry)
            {
                BinaryPrimitives.WriteInt64LittleEndian(bytes[old.ExpiryAt..], expiresAtTicks);
            }

            value.CopyTo(bytes[old.ValueAt..]);
            return;
        }

        var size = SizeOf(old.KeyLength, value.Length, hasExpiry);
        var (chunk, offset) = Allocate(size);
        // Allocating may have moved the newest chunk to a larger array (same offsets): read the key after it.
        var key = _chunks[oldChunk].Bytes.AsSpan(oldOffset + old.KeyAt, old.KeyLength);
        Write(_chunks[chunk].Bytes.AsSpan(offset, size), key, value, expiresAtTicks);
        _slots[index].Chunk = chunk;
        _slots[index].Offset = offset;
        Release(oldChunk, oldOffset, old.Size);
    }

    public void Remove(int index)
    {
        ref var slot = ref _slots[index];
        var bucket = BucketOf(slot.Hash, _buckets.Length);
        var previous = -1;
        for (var i = _buckets[bucket] - 1; i != index; i = _slots[i].Next)
        {
            previous = i;
        }

        if (previous < 0)
        {
            _buckets[bucket] = slot.Next + 1;
        }
        else
        {
            _slots[previous].Next = slot.Next;
        }

        var (chunk, offset) = (slot.Chunk, slot.Offset);
        var size = Decode(_chunks[chunk].Bytes.AsSpan(offset)).Size;
        // Unlinked and freed before its bytes are released: a compaction looks keys up and must not meet this slot.
        slot = new Slot { Chunk = FreeSlotChunk, Next = _freeList };
        _freeList = index;
        Count--;
        if (Count == 0)
        {
            ClearArena();
        }
        else
        {
            Release(chunk, offset, size);
        }
    }

    public void Clear()
    {
        _buckets = [];
        _slots = [];
        _used = 0;
        _freeList = -1;
        Count = 0;
        ClearArena();
    }

    /// <summary>
    /// Gives back spare capacity without moving any slot: the slot array shrinks to the high-water mark
    /// (a large table keeps a sixteenth spare) and every chunk with dead bytes or an unused tail is
    /// rewritten to exactly its live entries. O(size of the table); meant for a bucket gone quiet.
    /// </summary>
    public void TrimExcess()
    {
        var target = _used + (_used >= LargeTableSlots ? _used / TrimHeadroomDivisor : 0);
        if (target < _slots.Length)
        {
            Grow(target);
        }

        for (var c = 0; c < _chunkCount; c++)
        {
            if (_chunks[c].Bytes is { } bytes && (_chunks[c].Garbage > 0 || _chunks[c].Used < bytes.Length))
            {
                Rewrite(c, exact: true);
            }
        }
    }

    private static int BucketOf(int hash, int buckets) => (int)((uint)hash % (uint)buckets);

    private static int SizeOf(int keyLength, int valueLength, bool hasExpiry) =>
        VarintSize(((uint)keyLength << KeyShift) | ExpiryFlag) + VarintSize((uint)valueLength) + (hasExpiry ? ExpiryBytes : 0) + keyLength + valueLength;

    private static int VarintSize(uint value) => value < 1u << 7 ? 1 : value < 1u << 14 ? 2 : value < 1u << 21 ? 3 : value < 1u << 28 ? 4 : 5;

    private static int WriteVarint(Span<byte> destination, uint value)
    {
        var i = 0;
        for (; value >= 0x80; value >>= 7)
        {
            destination[i++] = (byte)(value | 0x80);
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static uint ReadVarint(ReadOnlySpan<byte> source, ref int position)
    {
        uint value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = source[position++];
            value |= (uint)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    private static void Write(Span<byte> destination, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, long expiresAtTicks)
    {
        var first = ((uint)key.Length << KeyShift) | (expiresAtTicks != 0 ? ExpiryFlag : 0);
        var at = WriteVarint(destination, first);
        at += WriteVarint(destination[at..], (uint)value.Length);
        if (expiresAtTicks != 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[at..], expiresAtTicks);
            at += ExpiryBytes;
        }

        key.CopyTo(destination[at..]);
        value.CopyTo(destination[(at + key.Length)..]);
    }

    private static Layout Decode(ReadOnlySpan<byte> packed)
    {
        var at = 0;
        var first = ReadVarint(packed, ref at);
        var valueLength = (int)ReadVarint(packed, ref at);
        var expiryAt = -1;
        if ((first & ExpiryFlag) != 0)
        {
            expiryAt = at;
            at += ExpiryBytes;
        }

        return new Layout((int)(first >> KeyShift), valueLength, expiryAt, at, (first & DeadFlag) != 0);
    }

    private static long ExpiryOf(ReadOnlySpan<byte> packed, Layout entry) =>
        entry.ExpiryAt >= 0 ? BinaryPrimitives.ReadInt64LittleEndian(packed[entry.ExpiryAt..]) : 0;

    private ReadOnlySpan<byte> At(int slot) => _chunks[_slots[slot].Chunk].Bytes.AsSpan(_slots[slot].Offset);

    /// <summary>Room for <paramref name="size"/> bytes: the newest chunk's tail (grown by doubling), or a new chunk.</summary>
    private (int Chunk, int Offset) Allocate(int size)
    {
        if (size > OwnChunkEntryBytes)
        {
            return (NewChunk(size, size), 0);
        }

        if (_current >= 0)
        {
            var used = _chunks[_current].Used;
            var length = _chunks[_current].Bytes!.Length;
            if (used + size <= length || used + size <= MaxChunkBytes)
            {
                if (used + size > length)
                {
                    var grown = GC.AllocateUninitializedArray<byte>(Math.Min(MaxChunkBytes, Math.Max(used + size, 2 * length)));
                    _chunks[_current].Bytes.AsSpan(0, used).CopyTo(grown);
                    _chunks[_current].Bytes = grown;
                    _arenaLength += grown.Length - length;
                }

                _chunks[_current].Used = used + size;
                _arenaUsed += size;
                return (_current, used);
            }
        }

        // The newest chunk is full: its tail stays unused (under OwnChunkEntryBytes) until a trim.
        _current = NewChunk(size, size);
        return (_current, 0);
    }

    private int NewChunk(int length, int used)
    {
        int index;
        if (_freeChunks >= 0)
        {
            index = _freeChunks;
            _freeChunks = _chunks[index].Garbage;
        }
        else
        {
            if (_chunkCount == _chunks.Length)
            {
                Array.Resize(ref _chunks, Math.Max(1, _chunks.Length * 2));
            }

            index = _chunkCount++;
        }

        _chunks[index] = new Chunk { Bytes = GC.AllocateUninitializedArray<byte>(length), Used = used };
        _arenaLength += length;
        _arenaUsed += used;
        return index;
    }

    /// <summary>Marks an entry's bytes dead (or frees its own chunk) and compacts the chunk when enough of it is dead.</summary>
    private void Release(int chunk, int offset, int size)
    {
        if (size > OwnChunkEntryBytes)
        {
            FreeChunk(chunk);
            return;
        }

        _chunks[chunk].Bytes![offset] |= DeadFlag;
        _chunks[chunk].Garbage += size;
        _arenaGarbage += size;
        var garbage = _chunks[chunk].Garbage;
        if (garbage == _chunks[chunk].Used || (garbage >= MinCompactGarbageBytes && garbage >= _chunks[chunk].Used / CompactGarbageDivisor))
        {
            Rewrite(chunk, exact: false);
        }
    }

    /// <summary>
    /// Keeps only the live entries of a shared chunk: the newest slides them down in place (keeping its
    /// room), any other gets an exact new array; an all-dead chunk other than the newest is freed.
    /// <paramref name="exact"/> gives the newest an exact array too (a trim).
    /// </summary>
    private void Rewrite(int chunk, bool exact)
    {
        var source = _chunks[chunk].Bytes!;
        var used = _chunks[chunk].Used;
        var live = used - _chunks[chunk].Garbage;
        if (live == 0 && (exact || chunk != _current))
        {
            if (chunk == _current)
            {
                _current = -1;
            }

            FreeChunk(chunk);
            return;
        }

        // Every live entry's slot is found by its key before any byte moves: lookups read other
        // entries of this chunk at their old offsets.
        var slots = ArrayPool<int>.Shared.Rent((used / MinEntryBytes) + 1);
        try
        {
            var count = 0;
            for (var read = 0; read < used;)
            {
                var entry = Decode(source.AsSpan(read));
                if (!entry.Dead)
                {
                    var key = source.AsSpan(read + entry.KeyAt, entry.KeyLength);
                    slots[count++] = Find(key, Hash(key));
                }

                read += entry.Size;
            }

            var target = chunk == _current && !exact ? source : GC.AllocateUninitializedArray<byte>(live);
            var write = 0;
            for (var i = 0; i < count; i++)
            {
                var offset = _slots[slots[i]].Offset;
                var size = Decode(source.AsSpan(offset)).Size;
                source.AsSpan(offset, size).CopyTo(target.AsSpan(write));
                _slots[slots[i]].Offset = write;
                write += size;
            }

            _arenaLength += target.Length - source.Length;
            _arenaUsed -= used - live;
            _arenaGarbage -= _chunks[chunk].Garbage;
            _chunks[chunk] = new Chunk { Bytes = target, Used = live };
        }
        finally
        {
            ArrayPool<int>.Shared.Return(slots);
        }
    }

    private void FreeChunk(int chunk)
    {
        _arenaLength -= _chunks[chunk].Bytes!.Length;
        _arenaUsed -= _chunks[chunk].Used;
        _arenaGarbage -= _chunks[chunk].Garbage;
        // A free chunk's Garbage field links the free list.
        _chunks[chunk] = new Chunk { Garbage = _freeChunks };
        _freeChunks = chunk;
    }

    private void ClearArena()
    {
        _chunks = [];
        _chunkCount = 0;
        _freeChunks = -1;
        _current = -1;
        _arenaLength = 0;
        _arenaUsed = 0;
        _arenaGarbage = 0;
    }

    /// <summary>Resizes the slot array to <paramref name="capacity"/> (at least the high-water mark) and re-links the buckets from the stored hashes.</summary>
    private void Grow(int capacity)
    {
        // Doubling keeps inserts amortised O(1).
        Array.Resize(ref _slots, capacity);
        _buckets = new int[capacity];
        for (var i = 0; i < _used; i++)
        {
            if (_slots[i].Chunk == FreeSlotChunk)
            {
                continue;
            }

            var bucket = BucketOf(_slots[i].Hash, capacity);
            _slots[i].Next = _buckets[bucket] - 1;
            _buckets[bucket] = i + 1;
        }
    }

    private struct Slot
    {
        public int Hash;
        public int Next;

        /// <summary>The chunk holding the entry's bytes; <see cref="FreeSlotChunk"/> for a free slot.</summary>
        public int Chunk;
        public int Offset;
        public long Version;
    }

    private struct Chunk
    {
        public byte[]? Bytes;

        /// <summary>Bytes handed out from the start of <see cref="Bytes"/>, live or dead.</summary>
        public int Used;

        /// <summary>Dead bytes among <see cref="Used"/>; for a free chunk, the next free chunk (or -1).</summary>
        public int Garbage;
    }

    private readonly record struct Layout(int KeyLength, int ValueLength, int ExpiryAt, int KeyAt, bool Dead)
    {
        public int ValueAt => KeyAt + KeyLength;

        public int Size => ValueAt + ValueLength;
    }
}
