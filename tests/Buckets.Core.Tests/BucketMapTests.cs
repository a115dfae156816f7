using System.Text;
using Buckets.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Buckets.Core.Tests;

public sealed class BucketMapTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
    private readonly BucketMap _map = new(new LimitsOptions { MaxEntriesPerBucket = 4, MaxBytesPerBucket = 1000 });

    private DateTimeOffset Now => _time.GetUtcNow();

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    [Fact]
    public void SetThenGetReturnsValueAndVersionFromTheChangeSequence()
    {
        var first = _map.Set("a", Bytes("1"), null, null, false, Now);
        var second = _map.Set("a", Bytes("2"), null, null, false, Now);

        Assert.Equal(new WriteResult(WriteOutcome.Created, 1), first);
        Assert.Equal(new WriteResult(WriteOutcome.Replaced, 2), second);
        Assert.True(_map.TryGet("a", Now, out var entry));
        Assert.Equal("2", Encoding.UTF8.GetString(entry.Value));
        Assert.Equal(2, entry.Version);
        Assert.Equal(2, _map.LastSeq);
    }

    [Fact]
    public void ExpiredEntryIsNeverReturnedListedOrCounted()
    {
        _map.Set("short", Bytes("x"), Now.AddSeconds(10), null, false, Now);
        _map.Set("long", Bytes("y"), Now.AddSeconds(100), null, false, Now);

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.False(_map.TryGet("short", Now, out _));
        Assert.Equal(["long"], _map.ListKeys("", null, 10, Now).Keys);
        Assert.Equal(1, _map.Measure(Now).Entries);
        Assert.Equal(Now.AddSeconds(90), _map.Measure(Now).OldestExpiry);
    }

    [Fact]
    public void ListingSkipsExpiredEntriesEvenBeforeTheyAreReclaimed()
    {
        _map.Set("k1", Bytes("x"), Now.AddSeconds(1), null, false, Now);
        _map.Set("k2", Bytes("x"), null, null, false, Now);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(2, _map.StoredCount);
        Assert.Equal(["k2"], _map.ListKeys("k", null, 10, Now).Keys);
    }

    [Fact]
    public void ActiveReclaimRemovesExpiredEntriesInBoundedSlicesEarliestFirst()
    {
        var map = new BucketMap(new LimitsOptions());
        for (var i = 0; i < 100; i++)
        {
            map.Set($"k{i:D3}", Bytes("v"), Now.AddSeconds(1 + i), null, false, Now);
        }

        _time.Advance(TimeSpan.FromSeconds(50));

        Assert.Equal(10, map.ReclaimExpired(Now, 10));
        Assert.Equal(90, map.StoredCount);
        Assert.False(map.TryGet("k000", Now, out _));
        Assert.Equal(40, map.ReclaimExpired(Now, 1000));
        Assert.Equal(50, map.StoredCount);
        Assert.Equal(50, map.Expirations);
        Assert.True(map.TryGet("k050", Now, out _));
    }

    [Fact]
    public void OverwritingWithoutTtlCancelsTheOldExpiry()
    {
        _map.Set("a", Bytes("1"), Now.AddSeconds(5), null, false, Now);
        _map.Set("a", Bytes("2"), null, null, false, Now);
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, _map.ReclaimExpired(Now, 100));
        Assert.True(_map.TryGet("a", Now, out var entry));
        Assert.Null(entry.ExpiresAt);
    }

    [Fact]
    public void CompareAndSetWritesOnlyWhenVersionMatches()
    {
        var created = _map.Set("a", Bytes("1"), null, null, false, Now);

        Assert.Equal(WriteOutcome.VersionMismatch, _map.Set("a", Bytes("2"), null, created.Version + 5, false, Now).Outcome);
        Assert.Equal(WriteOutcome.Replaced, _map.Set("a", Bytes("2"), null, created.Version, false, Now).Outcome);
        Assert.Equal(WriteOutcome.VersionMismatch, _map.Set("missing", Bytes("2"), null, 1, false, Now).Outcome);
    }

    [Fact]
    public void CreateOnlyRefusesALiveEntryButAcceptsAnExpiredOne()
    {
        _map.Set("a", Bytes("1"), Now.AddSeconds(1), null, false, Now);

        Assert.Equal(WriteOutcome.AlreadyExists, _map.Set("a", Bytes("2"), null, null, true, Now).Outcome);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(WriteOutcome.Created, _map.Set("a", Bytes("2"), null, null, true, Now).Outcome);
    }

    [Fact]
    public void DeleteHonoursVersionAndReportsMissingEntries()
    {
        var created = _map.Set("a", Bytes("1"), null, null, false, Now);

        Assert.Equal(WriteOutcome.VersionMismatch, _map.Delete("a", created.Version + 1, Now).Outcome);
        Assert.Equal(WriteOutcome.Deleted, _map.Delete("a", created.Version, Now).Outcome);
        Assert.Equal(WriteOutcome.NotFound, _map.Delete("a", null, Now).Outcome);
        Assert.Equal(0, _map.StoredBytes);
    }

    [Fact]
    public void EntryLimitRefusesNewKeysButAllowsReplacing()
    {
        for (var i = 0; i < 4; i++)
        {
            Assert.True(_map.Set($"k{i}", Bytes("v"), null, null, false, Now).Succeeded);
        }

        Assert.Equal(WriteOutcome.BucketFull, _map.Set("k4", Bytes("v"), null, null, false, Now).Outcome);
        Assert.Equal(WriteOutcome.Replaced, _map.Set("k0", Bytes("w"), null, null, false, Now).Outcome);
    }

    [Fact]
    public void ExpiredEntriesDoNotCountAgainstTheEntryLimit()
    {
        for (var i = 0; i < 4; i++)
        {
            _map.Set($"k{i}", Bytes("v"), Now.AddSeconds(1), null, false, Now);
        }

        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(WriteOutcome.Created, _map.Set("fresh", Bytes("v"), null, null, false, Now).Outcome);
    }

    [Fact]
    public void ByteLimitRefusesGrowthPastTheLimit()
    {
        Assert.Equal(WriteOutcome.Created, _map.Set("a", new byte[900], null, null, false, Now).Outcome);
        Assert.Equal(WriteOutcome.BucketFull, _map.Set("b", new byte[200], null, null, false, Now).Outcome);
        Assert.Equal(901, _map.StoredBytes);
    }

    [Fact]
    public void RefusedWritesDoNotAdvanceTheSequence()
    {
        _map.Set("a", Bytes("1"), null, null, false, Now);
        _map.Set("a", Bytes("2"), null, null, true, Now);
        _map.Delete("zzz", null, Now);

        Assert.Equal(1, _map.LastSeq);
    }
}
