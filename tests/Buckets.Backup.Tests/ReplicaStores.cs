using Buckets.Abstractions.Backup;
using Buckets.Backup.Cluster;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using OptionsOf = Microsoft.Extensions.Options.Options;

namespace Buckets.Backup.Tests;

/// <summary>
/// Several backup stores as the replicas of one cluster, in one process: each is a <see cref="TestStore"/>
/// with its own directory and events, and their peers are reached through <see cref="IPeerReplicas"/>
/// calling the other stores directly (a server listed in <see cref="Down"/> does not answer).
/// </summary>
internal sealed class ReplicaStores : IPeerReplicas, IDisposable
{
    public ReplicaStores(int count)
    {
        Servers = [.. Enumerable.Range(1, count).Select(i => new Uri($"http://127.0.0.1:{i}"))];
        Ids = [.. Servers.Select(ReplicaPlacement.ServerId)];
        Stores = [.. Servers.Select(_ => new TestStore(withEvents: true))];
    }

    public IReadOnlyList<Uri> Servers { get; }

    public IReadOnlyList<string> Ids { get; }

    public IReadOnlyList<TestStore> Stores { get; }

    /// <summary>Servers that do not answer their peers.</summary>
    public HashSet<int> Down { get; } = [];

    public SweepOptions Sweep { get; } = new() { GracePeriod = TimeSpan.FromMinutes(2) };

    public ReplicationOptions Replication { get; set; } = new() { Critical = 3, Standard = 3 };

    /// <summary>The integrity sweep of server <paramref name="index"/>, on the first store's clock.</summary>
    public IntegritySweep SweepOf(int index)
    {
        var cluster = new BackupClusterOptions { Self = Servers[index] };
        foreach (var server in Servers)
        {
            cluster.Servers.Add(server);
        }

        var t = Stores[index];
        var resync = new ReplicaResync(
            t.Store, OptionsOf.Create(cluster), OptionsOf.Create(Replication), OptionsOf.Create(new ResyncOptions()), OptionsOf.Create(t.Options), t.Time, NullLogger<ReplicaResync>.Instance);
        return new IntegritySweep(
            t.Store, OptionsOf.Create(cluster), OptionsOf.Create(Replication), OptionsOf.Create(Sweep), resync, t.Time, NullLogger<IntegritySweep>.Instance, this, t.Events);
    }

    public Task<ReplicaCopy?> ReadAsync(Uri peer, string bucketId, CancellationToken cancellationToken) =>
        StoreOf(peer).ReadReplicaAsync(bucketId, cancellationToken);

    public async Task<ReplicaAnswer> ReadDigestAsync(Uri peer, string bucketId, long? atSeq, CancellationToken cancellationToken)
    {
        var server = ReplicaPlacement.ServerId(peer);
        try
        {
            return await StoreOf(peer).ReadReplicaAsync(bucketId, atSeq, cancellationToken) is { } copy
                ? ReplicaAnswer.Of(server, ReplicaDigest.Of(copy))
                : new ReplicaAnswer(server, ReplicaHolding.Missing);
        }
        catch (BackupCorruptException)
        {
            return new ReplicaAnswer(server, ReplicaHolding.Damaged);
        }
        catch (BackupHistoryUnavailableException)
        {
            return new ReplicaAnswer(server, ReplicaHolding.Missing);
        }
        catch (HttpRequestException)
        {
            return new ReplicaAnswer(server, ReplicaHolding.Unreachable);
        }
    }

    /// <summary>The state digest store <paramref name="index"/> holds for the bucket.</summary>
    public async Task<ReplicaDigest?> DigestAsync(int index, string bucketId) =>
        await Stores[index].Store.ReadReplicaAsync(bucketId, TestContext.Current.CancellationToken) is { } copy ? ReplicaDigest.Of(copy) : null;

    public void Dispose()
    {
        foreach (var store in Stores)
        {
            store.Dispose();
        }
    }

    private FileBackupStore StoreOf(Uri peer)
    {
        var index = Servers.ToList().IndexOf(peer);
        return Down.Contains(index) ? throw new HttpRequestException($"backup server {peer} is down") : Stores[index].Store;
    }
}
