using Buckets.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace Buckets.Grains.Tests;

/// <summary>
/// A bucket takes sets and deletions without a grain call on the silo it is active on, exactly while
/// such a write is what a call would do: serving, not critical, not leaving, no other call in
/// progress, and already kept alive for the unstored changes it adds. The test plays the backup
/// server, so it decides when changes stop being unstored.
/// </summary>
public sealed class DirectWritesTests(ControlledBackupClusterFixture fixture) : IClassFixture<ControlledBackupClusterFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AStandardBucketIsWrittenDirectlyOnlyWhileACallWouldDoTheSameAndStillDeactivates()
    {
        var (bucket, id) = fixture.NewBucket("direct-write");
        var first = await bucket.SetAsync(new SetCommand("k", [1]));

        var direct = Assert.Single(await SetEverywhereAsync(id, new SetCommand("k", [2], TtlSeconds: 3600)))!;
        Assert.Equal(WriteOutcome.Replaced, direct.Outcome);
        Assert.Equal(first.Version + 1, direct.Version);
        var refused = Assert.Single(await SetEverywhereAsync(id, new SetCommand("k", [9], IfVersion: first.Version)))!;
        Assert.Equal(WriteOutcome.VersionMismatch, refused.Outcome);
        Assert.Equal([2], (await bucket.GetAsync("k"))!.Value);
        await bucket.SetAsync(new SetCommand("gone", [1]));
        var deleted = Assert.Single(await DeleteEverywhereAsync(id, "gone"))!;
        Assert.Equal(WriteOutcome.Deleted, deleted.Outcome);
        Assert.Null(await bucket.GetAsync("gone"));
        Assert.Equal(WriteOutcome.NotFound, Assert.Single(await DeleteEverywhereAsync(id, "gone"))?.Outcome);

        // The direct changes are in the journal like any other: the next batch carries them.
        var batch = await fixture.StoreOnceAsync(id);
        Assert.Contains(direct.Version, ControlledBackupClusterFixture.Seqs(batch!));
        Assert.Contains(deleted.Version, ControlledBackupClusterFixture.Seqs(batch!));

        // Nothing unstored now: the write that starts holding some again is a call, which keeps the
        // bucket alive for them (Orleans would not deactivate a bucket kept alive outside a call).
        Assert.Equal([null], await SetEverywhereAsync(id, new SetCommand("k", [3])));
        await bucket.SetAsync(new SetCommand("k", [3]));
        Assert.Equal(WriteOutcome.Replaced, Assert.Single(await SetEverywhereAsync(id, new SetCommand("k", [4])))?.Outcome);

        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Critical, null));
        Assert.Empty(await SetEverywhereAsync(id, new SetCommand("k", [5])));
        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Standard, null));
        await bucket.SetAsync(new SetCommand("k", [6]));
        Assert.Equal(WriteOutcome.Replaced, Assert.Single(await SetEverywhereAsync(id, new SetCommand("k", [7], TtlSeconds: 3600)))?.Outcome);

        // Written directly last, its expiry timer set outside a call: once stored it deactivates, and is no longer listed.
        while (await fixture.StoreOnceAsync(id) is not null)
        {
        }

        await bucket.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await fixture.WaitDeactivatedAsync(id, "a bucket asked to deactivate", Deadline);
        Assert.Empty(await SetEverywhereAsync(id, new SetCommand("k", [8])));
    }

    [Fact]
    public async Task ADirectWriteNeverRunsInsideAnotherCallAndAsksForACallInstead()
    {
        var (bucket, id) = fixture.NewBucket("direct-turns");
        await bucket.SetAsync(new SetCommand("k", [1]));
        fixture.Backup.ServeState(id, []);
        var gate = fixture.Backup.HoldStateRead(id, out var reading);

        // The restore awaits the backup server in the middle of its call: a write now would land
        // between its read of the saved state and its replacing the bucket's with it.
        var restore = bucket.RestoreAsync(atSeq: 1, atTime: null).AsTask();
        await reading.WaitAsync(TestContext.Current.CancellationToken);
        // Listed (the bucket serves), but the writes ask for a call, which would queue behind the restore.
        Assert.Equal([null], await SetEverywhereAsync(id, new SetCommand("k", [2])));
        Assert.Equal([null], await DeleteEverywhereAsync(id, "k"));

        gate.SetResult();
        await restore;
        await bucket.SetAsync(new SetCommand("k", [3]));
        Assert.True(Assert.Single(await SetEverywhereAsync(id, new SetCommand("k", [4])))?.Succeeded);
        Assert.Equal([4], (await bucket.GetAsync("k"))!.Value);
    }

    /// <summary>
    /// What a direct set of bucket <paramref name="id"/> gave on every silo that lists the bucket: its
    /// result, or <c>null</c> where the bucket asked to be called instead.
    /// </summary>
    private Task<List<WriteResult?>> SetEverywhereAsync(string id, SetCommand command) =>
        WriteEverywhereAsync(writes => writes.TrySet(id, command));

    /// <summary>What a direct deletion gave on every silo that lists the bucket, as <see cref="SetEverywhereAsync"/>.</summary>
    private Task<List<WriteResult?>> DeleteEverywhereAsync(string id, string key) =>
        WriteEverywhereAsync(writes => writes.TryDelete(id, key, ifVersion: null));

    private async Task<List<WriteResult?>> WriteEverywhereAsync(Func<DirectWrites, Task<WriteResult?>?> write)
    {
        var results = new List<WriteResult?>();
        foreach (var silo in fixture.Cluster.Silos)
        {
            if (write(silo.ServiceProvider.GetRequiredService<DirectWrites>()) is { } pending)
            {
                results.Add(await pending);
            }
        }

        return results;
    }
}
