using System.Buffers.Binary;

namespace Buckets.Core;

/// <summary>
/// A chained hash table of entries keyed by UTF-8 key bytes. Each entry's key and value share one
/// array (<c>[key length: 2 bytes][key][value]</c>) and its slot holds only that array, the hash,
/// the version and the expiry: about 32 bytes of slot plus one array, instead of a dictionary
/// entry, a UTF-16 key string and a separate value array. Not thread-safe.
/// </summary>
internal sealed class EntryTable
{
    private const int HeaderBytes = 2;
    private const int MinCapacity = 4;

    private int[] _buckets = [];
    private Slot[] _slots = [];
    private int _used;
    private int _freeList = -1;

    /// <summary>Live entries.</summary>
    public int Count { get; private set; }

    /// <summary>Slots ever handed out; live slots are those below it with data.</summary>
    public int HighWater => _used;

    public static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = default(HashCode);
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    public static ReadOnlySpan<byte> KeyOf(byte[] data) => data.AsSpan(HeaderBytes, BinaryPrimitives.ReadUInt16LittleEndian(data));

    public static ReadOnlySpan<byte> ValueOf(byte[] data) => data.AsSpan(HeaderBytes + BinaryPrimitives.ReadUInt16LittleEndian(data));

    /// <summary>Key plus value bytes of an entry (what limits count).</summary>
    public static int PayloadBytes(byte[] data) => data.Length - HeaderBytes;

    public bool IsLive(int slot) => _slots[slot].Data is not null;

    public byte[] Data(int slot) => _slots[slot].Data!;

    public long Version(int slot) => _slots[slot].Version;

    public long ExpiresAtTicks(int slot) => _slots[slot].ExpiresAtTicks;

    /// <summary>The slot holding <paramref name="key"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> key, int hash)
    {
        if (_buckets.Length == 0)
        {
            return -1;
        }

        for (var i = _buckets[BucketOf(hash, _buckets.Length)] - 1; i >= 0; i = _slots[i].Next)
        {
            ref var slot = ref _slots[i];
            if (slot.Hash == hash && KeyOf(slot.Data!).SequenceEqual(key))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Adds an entry whose key is not present; returns its slot.</summary>
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
                Grow();
            }

            index = _used++;
        }

        var bucket = BucketOf(hash, _buckets.Length);
        _slots[index] = new Slot { Hash = hash, Next = _buckets[bucket] - 1, Data = Pack(key, value), Version = version, ExpiresAtTicks = expiresAtTicks };
        _buckets[bucket] = index + 1;
        Count++;
        return index;
    }

    /// <summary>Replaces the value, version and expiry of a live slot.</summary>
    public void Replace(int index, ReadOnlySpan<byte> value, long version, long expiresAtTicks)
    {
        ref var slot = ref _slots[index];
        slot.Data = Pack(KeyOf(slot.Data!), value);
        slot.Version = version;
        slot.ExpiresAtTicks = expiresAtTicks;
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

        slot = new Slot { Next = _freeList };
        _freeList = index;
        Count--;
    }

    public void Clear()
    {
        _buckets = [];
        _slots = [];
        _used = 0;
        _freeList = -1;
        Count = 0;
    }

    private static int BucketOf(int hash, int buckets) => (int)((uint)hash % (uint)buckets);

    private static byte[] Pack(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        var data = GC.AllocateUninitializedArray<byte>(HeaderBytes + key.Length + value.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(data, checked((ushort)key.Length));
        key.CopyTo(data.AsSpan(HeaderBytes));
        value.CopyTo(data.AsSpan(HeaderBytes + key.Length));
        return data;
    }

    private void Grow()
    {
        // Doubling keeps inserts amortised O(1); buckets are re-linked from the stored hashes.
        var capacity = Math.Max(MinCapacity, _slots.Length * 2);
        Array.Resize(ref _slots, capacity);
        _buckets = new int[capacity];
        for (var i = 0; i < _used; i++)
        {
            if (_slots[i].Data is null)
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
        public byte[]? Data;
        public long Version;
        public long ExpiresAtTicks;
    }
}
