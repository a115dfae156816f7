using Buckets.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace Buckets.Grains.Tests;

/// <summary>
/// A bucket takes sets without a grain call on the silo it is active on, exactly while such a set is
/// what a call would do: serving, not critical, not leaving, and no other call in progress.
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class DirectWritesTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AStandardBucketIsWrittenDirectlyOnItsOwnSiloOnlyACriticalOneNeverAndALeavingOneNoMore()
    {
        var id = "direct-write-" + Guid.NewGuid().ToString("N");
        var bucket = fixture.Grains.GetGrain<IBucketGrain>(id);
        var first = await bucket.SetAsync(new SetCommand("k", [1]));

        var direct = Assert.Single(await SetEverywhereAsync(fixture.Cluster, id, new SetCommand("k", [2])))!;
        Assert.Equal(WriteOutcome.Replaced, direct.Outcome);
        Assert.Equal(first.Version + 1, direct.Version);
        var refused = Assert.Single(await SetEverywhereAsync(fixture.Cluster, id, new SetCommand("k", [9], IfVersion: first.Version)))!;
        Assert.Equal(WriteOutcome.VersionMismatch, refused.Outcome);
        Assert.Equal([2], (await bucket.GetAsync("k"))!.Value);

        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Critical, null));
        Assert.Empty(await SetEverywhereAsync(fixture.Cluster, id, new SetCommand("k", [3])));

        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Standard, null));
        Assert.Equal(WriteOutcome.Replaced, Assert.Single(await SetEverywhereAsync(fixture.Cluster, id, new SetCommand("k", [4])))?.Outcome);

        await bucket.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await fixture.WaitDeactivatedAsync(id, "a bucket asked to deactivate", Deadline);
        Assert.Empty(await SetEverywhereAsync(fixture.Cluster, id, new SetCommand("k", [5])));

        // The direct write went to the journal and the backup like any other: the next activation has it.
        var restored = await bucket.GetAsync("k");
        Assert.Equal([4], restored!.Value);
        Assert.Equal(WriteOutcome.Replaced, Assert.Single(await SetEverywhereAsync(fixture.Cluster, id, new SetCommand("k", [6])))?.Outcome);
    }

    /// <summary>
    /// What a direct set of bucket <paramref name="id"/> gave on every silo that lists the bucket: its
    /// result, or <c>null</c> where the bucket asked to be called instead.
    /// </summary>
    internal static async Task<List<WriteResult?>> SetEverywhereAsync(Orleans.TestingHost.InProcessTestCluster cluster, string id, SetCommand command)
    {
        var results = new List<WriteResult?>();
        foreach (var silo in cluster.Silos)
        {
            if (silo.ServiceProvider.GetRequiredService<DirectWrites>().TrySet(id, command) is { } pending)
            {
                results.Add(await pending);
            }
        }

        return results;
    }
}

/// <summary>Direct sets against a bucket whose backup server the test holds up.</summary>
public sealed class DirectWritesDuringCallsTests(ControlledBackupClusterFixture fixture) : IClassFixture<ControlledBackupClusterFixture>
{
    [Fact]
    public async Task ADirectSetNeverRunsInsideAnotherCallAndAsksForACallInstead()
    {
        var (bucket, id) = fixture.NewBucket("direct-turns");
        await bucket.SetAsync(new SetCommand("k", [1]));
        fixture.Backup.ServeState(id, []);
        var gate = fixture.Backup.HoldStateRead(id, out var reading);

        // The restore awaits the backup server in the middle of its call: a set now would land
        // between its read of the saved state and its replacing the bucket's with it.
        var restore = bucket.RestoreAsync(atSeq: 1, atTime: null).AsTask();
        await reading.WaitAsync(TestContext.Current.CancellationToken);
        // Listed (the bucket serves), but the set asks for a call, which would queue behind the restore.
        Assert.Equal([null], await DirectWritesTests.SetEverywhereAsync(fixture.Cluster, id, new SetCommand("k", [2])));

        gate.SetResult();
        await restore;
        var after = Assert.Single(await DirectWritesTests.SetEverywhereAsync(fixture.Cluster, id, new SetCommand("k", [3])));
        Assert.True(after?.Succeeded);
        Assert.Equal([3], (await bucket.GetAsync("k"))!.Value);
    }
}
