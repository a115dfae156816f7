using System.Text;

namespace Buckets.Core.Tests;

/// <summary>The entry arena: compaction, own chunks, slot reuse, trimming, chunk boundaries and size limits.</summary>
public sealed class EntryTableTests
{
    private const int MaxKeyBytes = ushort.MaxValue;
    private const int MaxValueBytes = 64 * 1024 * 1024;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void CompactionKeepsEveryEntryVersionAndExpiry(int seed)
    {
        var random = new Random(seed);
        var table = new EntryTable();
        var model = new Dictionary<string, (byte[] Value, long Version, long Expiry)>(StringComparer.Ordinal);
        var version = 0L;
        for (var step = 0; step < 30_000; step++)
        {
            var key = $"key-{random.Next(2000)}";
            var utf8 = Encoding.UTF8.GetBytes(key);
            var slot = table.Find(utf8, EntryTable.Hash(utf8));
            if (random.Next(5) == 0)
            {
                if (slot >= 0)
                {
                    table.Remove(slot);
                    model.Remove(key);
                }

                continue;
            }

            // Mostly small values, now and then one that needs its own chunk.
            var value = new byte[random.Next(20) == 0 ? EntryTable.OwnChunkEntryBytes + random.Next(100) : random.Next(0, 200)];
            random.NextBytes(value);
            var expiry = random.Next(3) == 0 ? 638_000_000_000_000_000L + random.Next() : 0;
            if (slot >= 0)
            {
                table.Replace(slot, value, ++version, expiry);
            }
            else
            {
                table.Add(utf8, EntryTable.Hash(utf8), value, ++version, expiry);
            }

            model[key] = (value, version, expiry);
            if (random.Next(3000) == 0)
            {
                // A trim between writes: the next writes grow the exact chunks and slots again.
                table.TrimExcess();
            }

            if (step % 5000 == 0)
            {
                AssertMatches(model, table);
            }
        }

        AssertMatches(model, table);
        // Chunks compact as they go: dead bytes stay a bounded share of the arena.
        Assert.True(table.GarbageBytes * 2 < table.AllocatedBytes, $"garbage {table.GarbageBytes} of {table.AllocatedBytes}");
        table.TrimExcess();
        AssertMatches(model, table);
        Assert.Equal(0, table.GarbageBytes);
    }

    [Fact]
    public void OverwritingWithAValueOfTheSameSizeLeavesNoGarbage()
    {
        var table = new EntryTable();
        var key = "k"u8.ToArray();
        var slot = table.Add(key, EntryTable.Hash(key), new byte[32], 1, 5);
        table.Replace(slot, Enumerable.Repeat((byte)7, 32).ToArray(), 2, 6);

        Assert.Equal(0, table.GarbageBytes);
        Assert.Equal(Enumerable.Repeat((byte)7, 32), table.Value(slot).ToArray());
        Assert.Equal(2, table.Version(slot));
        Assert.Equal(6, table.ExpiresAtTicks(slot));
    }

    [Fact]
    public void ALargeEntryGetsAChunkOfItsOwnFreedWhenReplacedOrRemoved()
    {
        var table = new EntryTable();
        var small = "small"u8.ToArray();
        table.Add(small, EntryTable.Hash(small), new byte[10], 1, 0);
        Assert.Equal(1, table.ChunkCount);

        var large = "large"u8.ToArray();
        var slot = table.Add(large, EntryTable.Hash(large), new byte[EntryTable.OwnChunkEntryBytes], 2, 0);
        Assert.Equal(2, table.ChunkCount);

        table.Replace(slot, new byte[EntryTable.OwnChunkEntryBytes + 1], 3, 0);
        Assert.Equal(2, table.ChunkCount);
        Assert.Equal(0, table.GarbageBytes);
        Assert.Equal(EntryTable.OwnChunkEntryBytes + 1, table.Value(slot).Length);

        table.Remove(slot);
        Assert.Equal(1, table.ChunkCount);
        Assert.Equal(10, table.Value(table.Find(small, EntryTable.Hash(small))).Length);
    }

    [Fact]
    public void ARemovedSlotAndChunkAreReused()
    {
        var table = new EntryTable();
        var keep = "keep"u8.ToArray();
        table.Add(keep, EntryTable.Hash(keep), [1], 1, 0);
        var first = "first"u8.ToArray();
        var slot = table.Add(first, EntryTable.Hash(first), new byte[EntryTable.OwnChunkEntryBytes * 2], 2, 0);
        table.Remove(slot);

        var second = "second"u8.ToArray();
        var reused = table.Add(second, EntryTable.Hash(second), new byte[EntryTable.OwnChunkEntryBytes * 3], 3, 0);

        Assert.Equal(slot, reused);
        Assert.Equal(2, table.ChunkCount);
        Assert.Equal(-1, table.Find(first, EntryTable.Hash(first)));
        Assert.Equal(EntryTable.OwnChunkEntryBytes * 3, table.Value(reused).Length);
    }

    [Fact]
    public void RemovingTheLastEntryGivesBackTheArena()
    {
        var table = new EntryTable();
        var key = "k"u8.ToArray();
        table.Remove(table.Add(key, EntryTable.Hash(key), new byte[100], 1, 0));

        Assert.Equal(0, table.ChunkCount);
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void EntriesAroundTheChunkBoundaryStayReadable()
    {
        var table = new EntryTable();
        var model = new Dictionary<string, (byte[] Value, long Version, long Expiry)>(StringComparer.Ordinal);
        // Sizes just under, at and over the largest shared entry, enough of them to fill several chunks.
        for (var i = 0; i < 40; i++)
        {
            var key = $"boundary-{i:D3}";
            var utf8 = Encoding.UTF8.GetBytes(key);
            var value = new byte[EntryTable.OwnChunkEntryBytes - 20 + (i % 3 * 10)];
            value.AsSpan().Fill((byte)i);
            var expiry = i % 2 == 0 ? 638_000_000_000_000_000L + i : 0;
            table.Add(utf8, EntryTable.Hash(utf8), value, i + 1, expiry);
            model[key] = (value, i + 1, expiry);
        }

        Assert.True(table.ChunkCount > 3);
        AssertMatches(model, table);
        table.TrimExcess();
        AssertMatches(model, table);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(31, 127)]
    [InlineData(32, 128)]
    [InlineData(4095, 16383)]
    [InlineData(4096, 16384)]
    [InlineData(MaxKeyBytes, 2_097_152)]
    public void KeysAndValuesOfEveryLengthEncodingRoundTrip(int keyBytes, int valueBytes)
    {
        var table = new EntryTable();
        var key = Enumerable.Range(0, keyBytes).Select(i => (byte)('a' + (i % 26))).ToArray();
        var value = Enumerable.Range(0, valueBytes).Select(i => (byte)i).ToArray();
        var slot = table.Add(key, EntryTable.Hash(key), value, 7, 638_000_000_000_000_000L);

        Assert.Equal(slot, table.Find(key, EntryTable.Hash(key)));
        Assert.Equal(key, table.Key(slot).ToArray());
        Assert.Equal(value, table.Value(slot).ToArray());
        Assert.Equal(keyBytes + valueBytes, table.PayloadBytes(slot));
        Assert.Equal(638_000_000_000_000_000L, table.ExpiresAtTicks(slot));

        table.Replace(slot, value.AsSpan(0, valueBytes / 2), 8, 0);
        Assert.Equal(key, table.Key(slot).ToArray());
        Assert.Equal(value.AsSpan(0, valueBytes / 2).ToArray(), table.Value(slot).ToArray());
        Assert.Equal(0, table.ExpiresAtTicks(slot));
    }

    [Fact]
    public void AMapHoldsAKeyAndAValueAtTheirLargestAllowedSizes()
    {
        var limits = new LimitsOptions { MaxKeyBytes = MaxKeyBytes, MaxValueBytes = MaxValueBytes };
        var map = new BucketMap(limits);
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var key = new string('k', MaxKeyBytes);
        var value = new byte[MaxValueBytes];
        value[^1] = 42;

        Assert.True(map.Set(key, value, now.AddHours(1), null, false, now).Succeeded);
        Assert.True(map.Set("small", [1, 2, 3], null, null, false, now).Succeeded);
        map.TrimExcess();

        Assert.True(map.TryGet(key, now, out var entry));
        Assert.Equal(MaxValueBytes, entry.Value.Length);
        Assert.Equal(42, entry.Value[^1]);
        Assert.Equal(now.AddHours(1), entry.ExpiresAt);
        Assert.Equal(MaxKeyBytes + MaxValueBytes + "small".Length + 3, map.StoredBytes);
    }

    [Fact]
    public void TrimKeepsLookupsAndTheExpiryHeapValid()
    {
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var map = new BucketMap(new LimitsOptions());
        for (var i = 0; i < 100; i++)
        {
            map.Set($"k{i}", new byte[32], i % 2 == 0 ? now.AddSeconds(10 + i) : null, null, false, now);
        }

        // Overwrites with other sizes and deletes leave dead bytes and free slots behind.
        for (var i = 0; i < 100; i += 3)
        {
            map.Set($"k{i}", new byte[i], i % 2 == 0 ? now.AddSeconds(10 + i) : null, null, false, now);
        }

        for (var i = 1; i < 100; i += 7)
        {
            map.Delete($"k{i}", null, now);
        }

        Assert.True(map.WorthTrimming);
        map.TrimExcess();
        Assert.False(map.WorthTrimming);

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(i % 7 != 1, map.TryGet($"k{i}", now, out var entry));
            if (i % 7 != 1)
            {
                Assert.Equal(i % 3 == 0 ? i : 32, entry.Value.Length);
                Assert.Equal(i % 2 == 0 ? now.AddSeconds(10 + i) : null, entry.ExpiresAt);
            }
        }

        // The heap names slots; after the trim it still expires exactly the entries due.
        var expiring = Enumerable.Range(0, 100).Count(i => i % 2 == 0 && i % 7 != 1 && 10 + i <= 60);
        Assert.Equal(expiring, map.ReclaimExpired(now.AddSeconds(60), int.MaxValue));
        Assert.Equal(now.AddSeconds(62), map.NextExpiry);
    }

    [Fact]
    public void TrimShrinksTheSlotsToTheHighWaterMarkAndTheArenaToItsLiveBytes()
    {
        var table = new EntryTable();
        for (var i = 0; i < 100; i++)
        {
            var key = Encoding.UTF8.GetBytes($"key:{i:D12}");
            table.Add(key, EntryTable.Hash(key), new byte[32], i + 1, 0);
        }

        Assert.Equal(128, table.Capacity);
        Assert.True(table.WorthTrimming);
        table.TrimExcess();

        Assert.Equal(100, table.Capacity);
        Assert.Equal(0, table.SpareBytes);
        for (var i = 0; i < 100; i++)
        {
            var key = Encoding.UTF8.GetBytes($"key:{i:D12}");
            Assert.Equal(i + 1, table.Version(table.Find(key, EntryTable.Hash(key))));
        }

        var added = "after-trim"u8.ToArray();
        var slot = table.Add(added, EntryTable.Hash(added), [9], 101, 0);
        Assert.Equal(100, slot);
        Assert.Equal([9], table.Value(slot).ToArray());
    }

    [Fact]
    public void AOneEntryTableIsExactAndNeverWorthATrim()
    {
        var table = new EntryTable();
        var key = Encoding.UTF8.GetBytes("key:000000000001");
        table.Add(key, EntryTable.Hash(key), new byte[32], 1, 0);

        // An idle bucket of one entry must not pay for a trim timer: it holds no spare at all.
        Assert.Equal(1, table.Capacity);
        Assert.Equal(0, table.SpareBytes);
        Assert.False(table.WorthTrimming);
    }

    [Fact]
    public void ACaptureIsNotChangedByLaterWritesOrCompaction()
    {
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var map = new BucketMap(new LimitsOptions());
        for (var i = 0; i < 50; i++)
        {
            map.Set($"k{i}", Encoding.UTF8.GetBytes($"value-{i}"), now.AddHours(i + 1), null, false, now);
        }

        var captured = map.CaptureLive(now);
        for (var i = 0; i < 50; i++)
        {
            // Same size (overwritten in place), then another size (moved, the old bytes compacted away).
            map.Set($"k{i}", Encoding.UTF8.GetBytes($"VALUE-{i}"), now.AddHours(i + 1), null, false, now);
            map.Set($"k{i}", new byte[i + 100], null, null, false, now);
        }

        map.TrimExcess();
        Assert.Equal(50, captured.Count);
        foreach (var entry in captured)
        {
            var i = int.Parse(entry.Key.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Encoding.UTF8.GetBytes($"value-{i}"), entry.CopyValue());
            Assert.Equal(now.AddHours(i + 1), entry.ExpiresAt);
            Assert.Equal(entry.Key.Length + entry.CopyValue().Length, entry.PayloadBytes);
        }
    }

    private static void AssertMatches(Dictionary<string, (byte[] Value, long Version, long Expiry)> model, EntryTable table)
    {
        Assert.Equal(model.Count, table.Count);
        foreach (var (key, expected) in model)
        {
            var utf8 = Encoding.UTF8.GetBytes(key);
            var slot = table.Find(utf8, EntryTable.Hash(utf8));
            Assert.True(slot >= 0, key);
            Assert.Equal(utf8, table.Key(slot).ToArray());
            Assert.Equal(expected.Value, table.Value(slot).ToArray());
            Assert.Equal(expected.Version, table.Version(slot));
            Assert.Equal(expected.Expiry, table.ExpiresAtTicks(slot));
        }

        var live = 0;
        for (var slot = 0; slot < table.HighWater; slot++)
        {
            live += table.IsLive(slot) ? 1 : 0;
        }

        Assert.Equal(model.Count, live);
    }
}
