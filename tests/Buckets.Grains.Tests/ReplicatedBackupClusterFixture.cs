using Buckets.Abstractions;
using Buckets.Abstractions.Backup;
using Buckets.Grains.Backup;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Buckets.Grains.Tests;

/// <summary>
/// One silo whose buckets are kept by three backup replicas (<see cref="StoreReplica"/>: real stores a
/// test can take down or wipe), R = 3 for critical and 2 for standard buckets, and which nobody pulls:
/// a test plays the backup servers' pulls itself through <see cref="Abstractions.Backup.IBucketReplicationGrain"/>.
/// </summary>
public sealed class ReplicatedBackupClusterFixture : ClusterFixture
{
    public StoreReplica[] Replicas { get; } = [new("http://replica-a:1"), new("http://replica-b:1"), new("http://replica-c:1")];

    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Buckets:Backup:Mode"] = "None",
        ["Buckets:Backup:Replication:ReplicaLagTime"] = "00:00:05",
    };

    public BackupReplicas Placement => Cluster.Silos[0].ServiceProvider.GetRequiredService<BackupReplicas>();

    public PullCoordinator Coordinator => Cluster.Silos[0].ServiceProvider.GetRequiredService<PullCoordinator>();

    /// <summary>The bucket's replicas, highest placement weight first.</summary>
    public StoreReplica[] ReplicasOf(string bucketId, Durability durability) =>
        [.. Placement.For(bucketId, durability).Select(replica => Replicas.Single(r => r.Id == replica.Id))];

    public void AllUp()
    {
        foreach (var replica in Replicas)
        {
            replica.Down = false;
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var replica in Replicas)
        {
            replica.Dispose();
        }
    }

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton(sp => new BackupReplicas(
            [.. Replicas.Select((replica, index) => new BackupReplica(index, replica.Id, replica))],
            sp.GetRequiredService<IOptions<ReplicationOptions>>().Value));
}
