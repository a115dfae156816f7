using System.Text;
using Buckets.Abstractions;

namespace Buckets.Grains.Tests;

[Collection(SharedCluster.Name)]
public sealed class BucketGrainTests(ClusterFixture fixture)
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static IBucketGrain NewBucket(ClusterFixture fixture) => fixture.Grains.GetGrain<IBucketGrain>("t-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task TwoBucketsNeverSeeEachOthersEntries()
    {
        var alice = NewBucket(fixture);
        var bob = NewBucket(fixture);

        await alice.SetAsync(new SetCommand("shared-name", Bytes("alice's")));
        await bob.SetAsync(new SetCommand("shared-name", Bytes("bob's")));
        await bob.DeleteAsync("shared-name", null);

        var aliceValue = await alice.GetAsync("shared-name");
        Assert.NotNull(aliceValue);
        Assert.Equal("alice's", Encoding.UTF8.GetString(aliceValue.Value));
        Assert.Null(await bob.GetAsync("shared-name"));
        Assert.Equal(1, (await alice.GetStatsAsync()).Entries);
        Assert.Equal(0, (await bob.GetStatsAsync()).Entries);
    }

    [Fact]
    public async Task CompareAndSetRefusesAStaleVersion()
    {
        var bucket = NewBucket(fixture);
        var first = await bucket.SetAsync(new SetCommand("counter", Bytes("1")));
        var second = await bucket.SetAsync(new SetCommand("counter", Bytes("2"), IfVersion: first.Version));

        var stale = await bucket.SetAsync(new SetCommand("counter", Bytes("3"), IfVersion: first.Version));

        Assert.Equal(WriteOutcome.Replaced, second.Outcome);
        Assert.Equal(WriteOutcome.VersionMismatch, stale.Outcome);
        Assert.Equal("2", Encoding.UTF8.GetString((await bucket.GetAsync("counter"))!.Value));
    }

    [Fact]
    public async Task ConcurrentCompareAndSetLetsExactlyOneWriterWin()
    {
        var bucket = NewBucket(fixture);
        var start = await bucket.SetAsync(new SetCommand("lock", Bytes("free")));

        var attempts = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            bucket.SetAsync(new SetCommand("lock", Bytes($"owner-{i}"), IfVersion: start.Version)).AsTask()));

        Assert.Single(attempts, a => a.Outcome == WriteOutcome.Replaced);
        Assert.Equal(19, attempts.Count(a => a.Outcome == WriteOutcome.VersionMismatch));
    }

    [Fact]
    public async Task BatchWithOneFailingPreconditionChangesNothing()
    {
        var bucket = NewBucket(fixture);
        await bucket.SetAsync(new SetCommand("existing", Bytes("v1")));

        var result = await bucket.ApplyBatchAsync(
        [
            new BatchOperation(BatchOperationKind.Set, "new-1", Bytes("x")),
            new BatchOperation(BatchOperationKind.Delete, "existing"),
            new BatchOperation(BatchOperationKind.Set, "other", Bytes("y"), IfVersion: 999),
        ]);

        Assert.False(result.Applied);
        Assert.Null(await bucket.GetAsync("new-1"));
        Assert.NotNull(await bucket.GetAsync("existing"));
        Assert.Equal(1, (await bucket.GetStatsAsync()).LastChange);
    }

    [Fact]
    public async Task EntryLimitFromConfigurationIsEnforced()
    {
        var bucket = NewBucket(fixture);
        var batch = Enumerable.Range(0, 100).Select(i => new BatchOperation(BatchOperationKind.Set, $"k{i}", [1])).ToList();
        Assert.True((await bucket.ApplyBatchAsync(batch)).Applied);

        var refused = await bucket.SetAsync(new SetCommand("one-too-many", [1]));

        Assert.Equal(WriteOutcome.BucketFull, refused.Outcome);
    }

    [Fact]
    public async Task InvalidInputIsRefusedByTheGrainItself()
    {
        var bucket = NewBucket(fixture);

        await Assert.ThrowsAsync<ArgumentException>(() => bucket.SetAsync(new SetCommand("", [1])).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => bucket.SetAsync(new SetCommand("a\u0000b", [1])).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => bucket.SetAsync(new SetCommand("k", [1], TtlSeconds: 0)).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => bucket.ListKeysAsync("", null, 0).AsTask());
    }

    [Fact]
    public async Task DefaultTtlAppliesToWritesWithoutTtl()
    {
        var bucket = NewBucket(fixture);
        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Standard, 3600));

        await bucket.SetAsync(new SetCommand("k", [1]));
        await bucket.SetAsync(new SetCommand("explicit", [1], TtlSeconds: 60));

        var defaulted = await bucket.GetAsync("k");
        var explicitTtl = await bucket.GetAsync("explicit");
        Assert.InRange(defaulted!.ExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(60));
        Assert.InRange(explicitTtl!.ExpiresAt!.Value - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60));
        Assert.Equal(3600, (await bucket.GetStatsAsync()).Policy.DefaultTtlSeconds);
    }
}
