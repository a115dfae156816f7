using Buckets.Abstractions;
using Buckets.Abstractions.Backup;
using Orleans.Core.Internal;

namespace Buckets.Grains.Tests;

/// <summary>
/// The replicated backup protocol from the grain's side (docs/backup-protocol.md), against three real
/// stores: quorum writes, epochs won from a majority, rehydration that a stale replica never decides,
/// erase while a replica is down, and per-replica pulls with a replica left behind.
/// Tests share one cluster: each uses its own buckets and brings every replica back up when done.
/// </summary>
[Collection(ReplicatedBackupGroup.Name)]
public sealed class ReplicatedBackupTests(ReplicatedBackupClusterFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly Dictionary<string, IReadOnlyList<BackupAck>> _pendingAcks = new(StringComparer.Ordinal);

    public ValueTask InitializeAsync()
    {
        fixture.AllUp();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        fixture.AllUp();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ACriticalWriteIsAcknowledgedOnceAMajorityOfItsReplicasFsyncedIt()
    {
        var (bucket, id) = await CriticalBucketAsync("quorum");
        var replicas = fixture.ReplicasOf(id, Durability.Critical);
        Assert.Equal(3, replicas.Length);

        Assert.True((await bucket.SetAsync(new SetCommand("all", "up"u8.ToArray()))).Succeeded);
        replicas[2].Down = true;
        Assert.True((await bucket.SetAsync(new SetCommand("one", "down"u8.ToArray()))).Succeeded);

        foreach (var replica in replicas[..2])
        {
            var entries = await replica.EntriesAsync(id);
            Assert.Equal("up", entries["all"]);
            Assert.Equal("down", entries["one"]);
        }
    }

    [Fact]
    public async Task WithTwoOfThreeReplicasDownACriticalWriteIsRefusedReadsGoOnAndANewActivationRefuses()
    {
        var (bucket, id) = await CriticalBucketAsync("minority");
        Assert.True((await bucket.SetAsync(new SetCommand("kept", "1"u8.ToArray()))).Succeeded);
        var replicas = fixture.ReplicasOf(id, Durability.Critical);
        replicas[0].Down = true;
        replicas[1].Down = true;

        var refused = await Assert.ThrowsAsync<BucketUnavailableException>(() => bucket.SetAsync(new SetCommand("lost", "2"u8.ToArray())).AsTask());
        Assert.Contains("1 of the 3", refused.Message, StringComparison.Ordinal);
        Assert.Equal("1"u8.ToArray(), (await bucket.GetAsync("kept"))!.Value);

        // A second bucket, fully stored, then deactivated: its next activation cannot win an epoch.
        fixture.AllUp();
        var (other, otherId) = await CriticalBucketAsync("minority-reactivated");
        Assert.True((await other.SetAsync(new SetCommand("k", "v"u8.ToArray()))).Succeeded);
        var otherReplicas = fixture.ReplicasOf(otherId, Durability.Critical);
        await other.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await fixture.WaitDeactivatedAsync(otherId, "a stored critical bucket asked to deactivate", Deadline);
        otherReplicas[0].Down = true;
        otherReplicas[1].Down = true;

        await Assert.ThrowsAsync<BucketUnavailableException>(() => other.GetAsync("k").AsTask());
        otherReplicas[1].Down = false;
        Assert.Equal("v"u8.ToArray(), (await other.GetAsync("k"))!.Value);
    }

    [Fact]
    public async Task AZombieActivationCannotGetAWriteAcknowledged()
    {
        var (bucket, id) = await CriticalBucketAsync("zombie");
        Assert.True((await bucket.SetAsync(new SetCommand("k", "1"u8.ToArray()))).Succeeded);

        // Another activation wins a newer epoch from every replica while this one still runs.
        var replicas = fixture.ReplicasOf(id, Durability.Critical);
        var current = (await replicas[0].Store.OpenEpochAsync(id, new EpochRequest(1, WithState: false), CancellationToken.None)).Epoch;
        foreach (var replica in replicas)
        {
            Assert.True((await replica.Store.OpenEpochAsync(id, new EpochRequest(current + 1, WithState: false), CancellationToken.None)).Granted);
        }

        await Assert.ThrowsAsync<BucketUnavailableException>(() => bucket.SetAsync(new SetCommand("k", "zombie"u8.ToArray())).AsTask());
        foreach (var replica in replicas)
        {
            Assert.Equal("1", (await replica.EntriesAsync(id))["k"]);
        }
    }

    [Fact]
    public async Task RehydrationTakesTheNewestStateOfAMajorityAndAStaleReplicaNeverDecides()
    {
        var (bucket, id) = await CriticalBucketAsync("stale");
        var replicas = fixture.ReplicasOf(id, Durability.Critical);
        replicas[2].Down = true;
        for (var i = 1; i <= 3; i++)
        {
            Assert.True((await bucket.SetAsync(new SetCommand("k", System.Text.Encoding.UTF8.GetBytes($"v{i}")))).Succeeded);
        }

        await bucket.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await fixture.WaitDeactivatedAsync(id, "a critical bucket asked to deactivate", Deadline);

        // The majority that answers now holds one replica with every write and the stale one.
        replicas[2].Down = false;
        replicas[0].Down = true;
        Assert.Equal("v3"u8.ToArray(), (await bucket.GetAsync("k"))!.Value);

        // The stale replica is sent the state as the bucket goes on.
        Assert.True((await bucket.SetAsync(new SetCommand("after", "x"u8.ToArray()))).Succeeded);
        var caughtUp = await replicas[2].EntriesAsync(id);
        Assert.Equal("v3", caughtUp["k"]);
        Assert.Equal("x", caughtUp["after"]);
    }

    [Fact]
    public async Task AnEraseWhileOneReplicaIsDownNeverComesBackFromIt()
    {
        var (bucket, id) = await CriticalBucketAsync("erase");
        Assert.True((await bucket.SetAsync(new SetCommand("secret", "s"u8.ToArray()))).Succeeded);
        var replicas = fixture.ReplicasOf(id, Durability.Critical);
        var missed = replicas[1];
        missed.Down = true;

        await bucket.EraseAsync();
        await fixture.WaitDeactivatedAsync(id, "an erased bucket", Deadline);

        // The replica that missed the erase is back and answers the next election (an erased bucket is
        // standard again, kept by the first two replicas): the erased state outranks its copy.
        missed.Down = false;
        Assert.Null(await bucket.GetAsync("secret"));
        Assert.Contains("secret", (await missed.EntriesAsync(id)).Keys);

        // As the bucket goes on, the replica that missed the erase gets the state whole.
        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Critical, null));
        Assert.True((await bucket.SetAsync(new SetCommand("new", "n"u8.ToArray()))).Succeeded);
        var healed = await missed.EntriesAsync(id);
        Assert.DoesNotContain("secret", healed.Keys);
        Assert.Equal("n", healed["new"]);
    }

    [Fact]
    public async Task EachReplicaPullsOnlyWhatItLacksAndTheJournalWaitsForBothUntilOneIsLeftBehind()
    {
        var id = "standard-" + Guid.NewGuid().ToString("N");
        var bucket = fixture.Grains.GetGrain<IBucketGrain>(id);
        var replication = fixture.Grains.GetGrain<IBucketReplicationGrain>(id);
        Assert.True((await bucket.SetAsync(new SetCommand("k", "1"u8.ToArray()))).Succeeded);
        var replicas = fixture.ReplicasOf(id, Durability.Standard);
        Assert.Equal(2, replicas.Length);
        var outsider = fixture.Replicas.Single(r => !replicas.Contains(r));

        Assert.Null(await replication.CollectChangesAsync(outsider.Id, 100));
        await StoreOnceAsync(replication, replicas[0]);
        Assert.Equal(1, (await bucket.GetStatsAsync()).Backup.PendingChanges);
        await StoreOnceAsync(replication, replicas[1]);
        Assert.Equal(0, (await bucket.GetStatsAsync()).Backup.PendingChanges);
        Assert.Null(await replication.CollectChangesAsync(replicas[1].Id, 100));

        // Only the first replica keeps pulling: past ReplicaLagTime (5 s) the journal stops waiting for the second.
        Assert.True((await bucket.SetAsync(new SetCommand("k", "2"u8.ToArray()))).Succeeded);
        await StoreOnceAsync(replication, replicas[0]);
        var until = DateTime.UtcNow + Deadline;
        while ((await bucket.GetStatsAsync()).Backup.PendingChanges > 0)
        {
            Assert.True(DateTime.UtcNow < until, "the journal kept waiting for a replica that stayed behind past ReplicaLagTime");
            Assert.True((await bucket.SetAsync(new SetCommand("tick", "t"u8.ToArray()))).Succeeded);
            await StoreOnceAsync(replication, replicas[0]);
        }

        // When it asks again, the replica left behind gets the whole state.
        var batch = await replication.CollectChangesAsync(replicas[1].Id, 100);
        Assert.NotNull(batch);
        Assert.True(batch.IsSnapshot);
    }

    [Fact]
    public async Task AReplicaBackOnAnEmptyDiskGetsTheChangesItsPeerLackedWhenItCopiedFromIt()
    {
        var id = "standard-" + Guid.NewGuid().ToString("N");
        var bucket = fixture.Grains.GetGrain<IBucketGrain>(id);
        var replicas = fixture.ReplicasOf(id, Durability.Standard);
        var (wiped, peer) = (replicas[0], replicas[1]);
        Assert.True((await bucket.SetAsync(new SetCommand("k", "1"u8.ToArray()))).Succeeded);
        await PullUntilStoredAsync(wiped, "disk-1", id);
        await PullUntilStoredAsync(peer, "peer", id);

        // The second change reaches the server that is about to lose its disk, not yet its peer.
        Assert.True((await bucket.SetAsync(new SetCommand("k", "2"u8.ToArray()))).Succeeded);
        await PullUntilStoredAsync(wiped, "disk-1", id);

        // It comes back empty and copies the bucket from its peer, which still lacks that change; then the
        // peer stores it, and the journal, which both replicas confirmed it to, drops it.
        wiped.Wipe();
        var copy = await peer.Store.ReadReplicaAsync(id, CancellationToken.None);
        Assert.NotNull(copy);
        Assert.True(await wiped.Store.InstallReplicaAsync(id, copy, CancellationToken.None));
        await PullUntilStoredAsync(peer, "peer", id);
        Assert.Equal(0, (await bucket.GetStatsAsync()).Backup.PendingChanges);
        Assert.Equal("1", (await wiped.EntriesAsync(id))["k"]);

        // Its pulls now carry its new data directory: the bucket sends it the whole state.
        var until = DateTime.UtcNow + Deadline;
        while ((await wiped.EntriesAsync(id))["k"] != "2")
        {
            Assert.True(DateTime.UtcNow < until, "the replica back on an empty disk never got the change its peer lacked when it copied");
            await PullOnceAsync(wiped, "disk-2");
        }

        Assert.Equal(await peer.EntriesAsync(id), await wiped.EntriesAsync(id));
    }

    /// <summary>Pulls for <paramref name="replica"/> through the silo's coordinator until it holds every change of the bucket.</summary>
    private async Task PullUntilStoredAsync(StoreReplica replica, string incarnation, string bucketId)
    {
        var until = DateTime.UtcNow + Deadline;
        while (!(await PullOnceAsync(replica, incarnation)).Contains(bucketId))
        {
            Assert.True(DateTime.UtcNow < until, $"replica {replica.Id} never stored bucket {bucketId}'s changes");
        }

        // The acknowledgements go with the next pull.
        await PullOnceAsync(replica, incarnation);
    }

    /// <summary>One pull as a backup server makes it: the previous pull's acknowledgements, then store what came back; returns the buckets stored.</summary>
    private async Task<IReadOnlyList<string>> PullOnceAsync(StoreReplica replica, string incarnation)
    {
        var acks = _pendingAcks.GetValueOrDefault(replica.Id, []);
        var response = await fixture.Coordinator.PullAsync(new PullRequest(acks, 100, 10_000, replica.Id, incarnation));
        var stored = new List<BackupAck>();
        foreach (var batch in response.Batches)
        {
            stored.Add(await replica.AppendAsync(batch, CancellationToken.None));
        }

        _pendingAcks[replica.Id] = stored;
        return [.. stored.Where(ack => ack.Status == AckStatus.Stored).Select(ack => ack.BucketId)];
    }

    private async Task<(IBucketGrain Bucket, string Id)> CriticalBucketAsync(string prefix)
    {
        var id = prefix + "-" + Guid.NewGuid().ToString("N");
        var bucket = fixture.Grains.GetGrain<IBucketGrain>(id);
        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Critical, null));
        return (bucket, id);
    }

    private static async Task StoreOnceAsync(IBucketReplicationGrain replication, StoreReplica replica)
    {
        var batch = await replication.CollectChangesAsync(replica.Id, int.MaxValue);
        Assert.NotNull(batch);
        await replication.AcknowledgeAsync(replica.Id, await replica.AppendAsync(batch, CancellationToken.None));
    }
}

/// <summary>The replicated-backup tests share one cluster and take replicas down, so they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ReplicatedBackupGroup : ICollectionFixture<ReplicatedBackupClusterFixture>
{
    public const string Name = "replicated backup";
}
