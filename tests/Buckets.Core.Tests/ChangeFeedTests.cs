using Buckets.Abstractions;
using Buckets.Abstractions.Commands;
using Buckets.Core.Feed;

namespace Buckets.Core.Tests;

/// <summary>The change window's bounds and the follower's: a slow subscriber is stopped, never buffered without end.</summary>
public sealed class ChangeFeedTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void WindowHoldsTheLatestChangesAndSaysWhenANumberIsOlder()
    {
        var window = new ChangeWindow(capacity: 3, maxBytes: long.MaxValue, lastSeq: 10);
        for (var seq = 11; seq <= 15; seq++)
        {
            window.Append(Change(seq));
        }

        Assert.Equal(12, window.HeldAfter);
        Assert.Null(window.ChangesAfter(11, 10, long.MaxValue));
        Assert.Equal([13L, 14, 15], window.ChangesAfter(12, 10, long.MaxValue)!.Select(c => c.Seq));
        Assert.Equal([14L], window.ChangesAfter(13, 1, long.MaxValue)!.Select(c => c.Seq));
        Assert.Empty(window.ChangesAfter(15, 10, long.MaxValue)!);
    }

    [Fact]
    public void WindowRestartsWhenTheNumberingJumpsRatherThanServeAGap()
    {
        var window = new ChangeWindow(capacity: 8, maxBytes: long.MaxValue, lastSeq: 0);
        window.Append(Change(1));
        window.Append(Change(5));

        Assert.Equal(4, window.HeldAfter);
        Assert.Null(window.ChangesAfter(1, 10, long.MaxValue));
        Assert.Equal([5L], window.ChangesAfter(4, 10, long.MaxValue)!.Select(c => c.Seq));
    }

    [Fact]
    public void WindowDropsTheOldestPastItsByteBound()
    {
        var big = new BucketChange(1, At, ChangeKind.Set, "k", new byte[1000]);
        var window = new ChangeWindow(capacity: 100, maxBytes: 2 * ChangeJournal.SizeOf(big), lastSeq: 0);
        for (var seq = 1; seq <= 5; seq++)
        {
            window.Append(big with { Seq = seq });
        }

        Assert.Equal(2, window.Count);
        Assert.True(window.Bytes <= 2 * ChangeJournal.SizeOf(big));
    }

    [Fact]
    public async Task FollowerOfASubscriberThatStopsReadingStopsAtItsBufferBound()
    {
        var options = new ChangeFeedOptions { PageChanges = 10, BufferedEventsPerSubscriber = 25, MaxWait = TimeSpan.FromSeconds(1) };
        var grain = new EndlessBucket(options.PageChanges);
        await using var follower = new ChangeFollower(grain, 0, options, TimeProvider.System, TestContext.Current.CancellationToken);

        using var stopped = new SemaphoreSlim(0);
        using var registration = follower.Aborted.Register(() => stopped.Release());
        Assert.True(await stopped.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "The follower kept buffering.");

        Assert.Equal(FollowEnd.Overflow, follower.End);
        Assert.InRange(grain.Served, options.BufferedEventsPerSubscriber, options.BufferedEventsPerSubscriber + options.PageChanges);
        Assert.False((await follower.NextAsync(TestContext.Current.CancellationToken)).More);
    }

    [Fact]
    public async Task FollowerPassesChangesOnInOrderAndReportsTooOld()
    {
        var options = new ChangeFeedOptions { PageChanges = 10, BufferedEventsPerSubscriber = 100, MaxWait = TimeSpan.FromSeconds(1) };
        var grain = new EndlessBucket(options.PageChanges) { OldestAfter = 5, Until = 40 };
        await using var follower = new ChangeFollower(grain, 5, options, TimeProvider.System, TestContext.Current.CancellationToken);
        var seen = new List<long>();
        while (seen.Count < 35 && await follower.NextAsync(TestContext.Current.CancellationToken) is (true, var change))
        {
            if (change is not null)
            {
                seen.Add(change.Seq);
            }
        }

        Assert.Equal(Enumerable.Range(6, 35).Select(i => (long)i), seen);
        await using var old = new ChangeFollower(grain, 2, options, TimeProvider.System, TestContext.Current.CancellationToken);
        Assert.False((await old.NextAsync(TestContext.Current.CancellationToken)).More);
        Assert.Equal(FollowEnd.TooOld, old.End);
        Assert.Equal(5, old.ResumeAfter);
    }

    private static BucketChange Change(long seq) => new(seq, At, ChangeKind.Set, "k", [1]);

    /// <summary>A bucket whose feed always has a full page after any number (up to <see cref="Until"/>, then it waits).</summary>
    private sealed class EndlessBucket(int page) : IBucketGrain
    {
        private int _served;

        public long OldestAfter { get; init; }

        public long Until { get; init; } = long.MaxValue;

        public int Served => Volatile.Read(ref _served);

        public async ValueTask<ChangePage> ReadChangesAsync(long afterSeq, int maxChanges, TimeSpan wait)
        {
            if (afterSeq < OldestAfter)
            {
                return new ChangePage([], Until, ChangePageStatus.TooOld, OldestAfter);
            }

            if (afterSeq >= Until)
            {
                await Task.Delay(wait);
                return new ChangePage([], Until, ChangePageStatus.Ok);
            }

            var count = (int)Math.Min(Math.Min(page, maxChanges), Until - afterSeq);
            Interlocked.Add(ref _served, count);
            return new ChangePage([.. Enumerable.Range(1, count).Select(i => Change(afterSeq + i))], afterSeq + count, ChangePageStatus.Ok);
        }

        public ValueTask<BucketValue?> GetAsync(string key) => throw new NotSupportedException();

        public ValueTask<WriteResult> SetAsync(SetCommand command) => throw new NotSupportedException();

        public ValueTask<WriteResult> DeleteAsync(string key, long? ifVersion) => throw new NotSupportedException();

        public ValueTask<KeyPage> ListKeysAsync(string prefix, string? after, int limit) => throw new NotSupportedException();

        public ValueTask<BatchResult> ApplyBatchAsync(IReadOnlyList<BatchOperation> operations) => throw new NotSupportedException();

        public ValueTask<KeyReply[]?> RunAsync(IReadOnlyList<KeyCommand> commands, IReadOnlyList<WatchedKey>? watched = null) => throw new NotSupportedException();

        public ValueTask<BucketStats> GetStatsAsync() => throw new NotSupportedException();

        public ValueTask<BucketPolicy> SetPolicyAsync(BucketPolicy policy) => throw new NotSupportedException();

        public IAsyncEnumerable<byte[]> ExportAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<RestoreResult> RestoreAsync(long? atSeq, DateTimeOffset? atTime) => throw new NotSupportedException();

        public ValueTask EraseAsync() => throw new NotSupportedException();
    }
}
