using Buckets.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Buckets.Core.Tests;

/// <summary>
/// <see cref="BucketMap.Peek"/> from other threads while the owner writes, and <see cref="DirectReads"/>,
/// which lists maps for requests.
/// </summary>
public sealed class SharedReadsTests
{
    private static readonly TimeSpan IdleAge = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
    private readonly BucketMap _map = new(new LimitsOptions());

    private DateTimeOffset Now => _time.GetUtcNow();

    [Fact]
    public void PeekAnswersOnlyWhileReadsAreSharedAndNeverRemovesAnExpiredEntry()
    {
        _map.Set("live", [1, 2, 3], null, null, false, Now);
        _map.Set("short", [9], Now.AddSeconds(5), null, false, Now);

        Assert.Equal(BucketMap.PeekOutcome.NotShared, _map.Peek("live", Now, out _));

        _map.ShareReads(true);
        Assert.Equal(BucketMap.PeekOutcome.Found, _map.Peek("live", Now, out var entry));
        Assert.Equal([1, 2, 3], entry.Value);
        Assert.Equal(1, entry.Version);
        Assert.Equal(BucketMap.PeekOutcome.Absent, _map.Peek("missing", Now, out _));

        _time.Advance(TimeSpan.FromSeconds(5));
        var seq = _map.LastSeq;
        Assert.Equal(BucketMap.PeekOutcome.Expired, _map.Peek("short", Now, out _));
        // The owner records the expiry (a change, journaled); a peek leaves it to the owner.
        Assert.Equal(2, _map.StoredCount);
        Assert.Equal(seq, _map.LastSeq);

        _map.ShareReads(false);
        Assert.Equal(BucketMap.PeekOutcome.NotShared, _map.Peek("live", Now, out _));
    }

    [Fact]
    public void PeekedValueIsACopyTheOwnersLaterWritesDoNotChange()
    {
        _map.ShareReads(true);
        _map.Set("k", [1, 1, 1, 1], null, null, false, Now);
        _map.Peek("k", Now, out var before);

        // Same length: written in place over the bytes the peek read from.
        _map.Set("k", [2, 2, 2, 2], null, null, false, Now);

        Assert.Equal([1, 1, 1, 1], before.Value);
        _map.Peek("k", Now, out var after);
        Assert.Equal([2, 2, 2, 2], after.Value);
    }

    /// <summary>
    /// One writer replaces (in place and moved), deletes, batches and trims while readers peek. Every
    /// value is one byte repeated to a length set by that byte modulo 32, so a read that raced a
    /// change (half old, half new bytes, or bytes a compaction was moving) fails the check; a batch
    /// writes two keys whose versions a reader sees together or not at all. Bounded in operations.
    /// </summary>
    [Fact]
    public async Task ReadersRacingOneWriterSeeOnlyWholeEntriesAndWholeBatches()
    {
        const int Keys = 64;
        const int WriterOperations = 60_000;
        _map.ShareReads(true);
        var done = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var reads = 0L;

        var writer = Task.Run(() =>
        {
            var random = new Random(7);
            try
            {
                for (var i = 0; i < WriterOperations; i++)
                {
                    var key = "k" + random.Next(Keys);
                    switch (random.Next(10))
                    {
                        case 0:
                            _map.Delete(key, null, Now);
                            break;
                        case 1:
                            var fill = (byte)random.Next(256);
                            _map.ApplyBatch(
                                [new BatchOperation(BatchOperationKind.Set, "pair-a", Value(fill)), new BatchOperation(BatchOperationKind.Set, "pair-b", Value(fill))],
                                _ => null,
                                Now);
                            break;
                        case 2 when i % 500 == 0:
                            _map.TrimExcess();
                            break;
                        default:
                            _map.Set(key, Value((byte)random.Next(256)), null, null, false, Now);
                            break;
                    }
                }
            }
            finally
            {
                Volatile.Write(ref done, 1);
            }
        }, TestContext.Current.CancellationToken);

        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            while (Volatile.Read(ref done) == 0)
            {
                Interlocked.Increment(ref reads);
                if (_map.Peek("k" + random.Next(Keys), Now, out var entry) == BucketMap.PeekOutcome.Found && !IsWhole(entry.Value))
                {
                    failures.Enqueue($"torn value of length {entry.Value.Length} starting {entry.Value[0]}");
                }

                if (_map.Peek("pair-a", Now, out var a) == BucketMap.PeekOutcome.Found
                    && _map.Peek("pair-b", Now, out var b) == BucketMap.PeekOutcome.Found
                    && b.Version <= a.Version)
                {
                    failures.Enqueue($"pair-b at {b.Version} after pair-a at {a.Version}: a batch seen half applied");
                }
            }
        }, TestContext.Current.CancellationToken)).ToList();

        await writer;
        await Task.WhenAll(readers);

        Assert.Empty(failures);
        Assert.True(reads > 0);
    }

    [Fact]
    public void DirectReadsServeAListedMapUntilWithdrawnAndCallTheBucketEveryHalfIdleAge()
    {
        var reads = new DirectReads(enabled: true, IdleAge, _time);
        _map.Set("k", [5], null, null, false, Now);

        Assert.False(reads.TryRead("b1", "k", out _));

        reads.List("b1", null, _map);
        Assert.True(reads.TryRead("b1", "k", out var value));
        Assert.Equal([5], value!.Value);
        Assert.Equal(1, value.Version);
        Assert.True(reads.TryRead("b1", "absent", out var absent));
        Assert.Null(absent);
        Assert.False(reads.TryRead("b2", "k", out _));

        // Half the idle age without the bucket serving a read itself: the next read must call it.
        _time.Advance(IdleAge / 2 + TimeSpan.FromSeconds(1));
        Assert.False(reads.TryRead("b1", "k", out _));
        reads.Called("b1");
        Assert.True(reads.TryRead("b1", "k", out _));

        reads.List("b1", _map, null);
        Assert.False(reads.TryRead("b1", "k", out _));
        Assert.Equal(0, reads.Count);
        // Withdrawn means closed too: a request holding the map from before reads nothing more.
        Assert.Equal(BucketMap.PeekOutcome.NotShared, _map.Peek("k", Now, out _));
    }

    [Fact]
    public void ARelistedBucketIsReadFromItsNewMapAndAnExpiryIsLeftToTheBucket()
    {
        var reads = new DirectReads(enabled: true, IdleAge, _time);
        var replacement = new BucketMap(new LimitsOptions());
        _map.Set("k", [1], null, null, false, Now);
        replacement.Set("k", [2], Now.AddSeconds(1), null, false, Now);
        reads.List("b1", null, _map);

        reads.List("b1", _map, replacement);

        Assert.True(reads.TryRead("b1", "k", out var value));
        Assert.Equal([2], value!.Value);
        Assert.Equal(Now.AddSeconds(1), value.ExpiresAt);
        Assert.Equal(BucketMap.PeekOutcome.NotShared, _map.Peek("k", Now, out _));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(reads.TryRead("b1", "k", out _));
    }

    [Fact]
    public void DisabledDirectReadsListNothing()
    {
        var reads = new DirectReads(enabled: false, IdleAge, _time);
        _map.Set("k", [5], null, null, false, Now);

        reads.List("b1", null, _map);

        Assert.False(reads.TryRead("b1", "k", out _));
        Assert.Equal(0, reads.Count);
    }

    private static byte[] Value(byte fill) => Enumerable.Repeat(fill, 1 + (fill % 32 * 7)).ToArray();

    private static bool IsWhole(byte[] value) => value.Length == 1 + (value[0] % 32 * 7) && value.All(b => b == value[0]);
}
