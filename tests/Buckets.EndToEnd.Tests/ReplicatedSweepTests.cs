using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Buckets.Backup.Cluster;
using Buckets.Backup.Events;
using Buckets.Backup.Storage;
using Buckets.Contracts.Http;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>
/// The integrity sweep across three backup servers as processes on 127.0.0.1 (docs/backup-protocol.md,
/// "Integrity sweep"), with a sweep every second: a line corrupted on one replica's disk is found and
/// repaired from its peers, and an erase one replica missed while it was down never comes back.
/// </summary>
[Trait("Category", "E2E")]
public sealed class ReplicatedSweepTests
{
    private const int Keys = 6;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>A short sweep interval and grace period, and Info events written every second, so the test sees them.</summary>
    public static readonly IReadOnlyDictionary<string, string> QuickSweep = new Dictionary<string, string>
    {
        ["Backup:Sweep:Interval"] = "00:00:01",
        ["Backup:Sweep:GracePeriod"] = "00:00:03",
        ["Backup:Events:InfoInterval"] = "00:00:01",
    };

    [Fact]
    public async Task ALineCorruptedOnOneReplicasDiskIsFoundAndRepairedFromItsPeers()
    {
        await using var cluster = await ClusterDeployment.StartAsync(silos: 1, backupServers: 3, backupSettings: QuickSweep);
        var (id, apiKey) = await CriticalBucketAsync(cluster);
        var values = await WriteAsync(cluster, apiKey);
        await AgreeAsync(cluster, id, "the three replicas to agree before the damage");

        // One byte of one value in the replica 1 file that holds it: that line's checksum no longer matches.
        var needle = Encoding.UTF8.GetBytes(values[2]);
        var folder = BucketLayout.PathOf(cluster.BackupDirectoryOf(1), id);
        var file = Directory.GetFiles(folder, "*.englang").FirstOrDefault(path => File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0);
        Assert.True(file is not null, $"value 2 is in no file of {folder}");
        var bytes = await File.ReadAllBytesAsync(file);
        var at = bytes.AsSpan().IndexOf(needle);
        bytes[at] = (byte)'X';
        await File.WriteAllBytesAsync(file, bytes);

        using var admin = cluster.Backup(1).CreateClient(Deployment.AdminToken);
        var found = await EventsAsync(admin, BackupEventKind.CorruptionFound, Deadline, "the sweep to find the damaged line");
        Assert.Equal(id, found[0].Details["bucketId"]);
        await EventsAsync(admin, BackupEventKind.CorruptionRepaired, Deadline, "the sweep to repair the damaged copy");
        await AgreeAsync(cluster, id, "the repaired replica to agree with its peers");

        // The repaired copy holds every value, and the bucket reads them back.
        using (var internalClient = cluster.Backup(1).CreateClient(Deployment.InternalToken))
        {
            var state = await internalClient.GetStringAsync($"/internal/v1/buckets/{id}/state");
            Assert.All(values, value => Assert.Contains(value, state, StringComparison.Ordinal));
        }

        using var client = cluster.Silo(0).CreateClient(apiKey);
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal(values[i], await client.GetStringAsync($"/v1/keys/{Deployment.Key(i)}"));
        }
    }

    [Fact]
    public async Task AnEraseWhileOneReplicaIsDownLeavesNoErasedValueOnAnyReplicaAfterTheSweep()
    {
        await using var cluster = await ClusterDeployment.StartAsync(silos: 1, backupServers: 3, backupSettings: QuickSweep);
        var (id, apiKey) = await CriticalBucketAsync(cluster);
        var values = await WriteAsync(cluster, apiKey);
        await AgreeAsync(cluster, id, "the three replicas to agree before the erase");

        cluster.KillBackupServer(2);
        using (var client = cluster.Silo(0).CreateClient(apiKey))
        using (var erase = await client.DeleteAsync("/v1/bucket"))
        {
            Assert.Equal(HttpStatusCode.NoContent, erase.StatusCode);
        }

        await cluster.StartBackupServerAsync(2);
        using var admin = cluster.Backup(2).CreateClient(Deployment.AdminToken);
        await EventsAsync(admin, BackupEventKind.ReplicaRepaired, Deadline, "the sweep to replace the copy that missed the erase");
        var digests = await AgreeAsync(cluster, id, "every replica to hold the erasure");
        Assert.All(digests, digest => Assert.True(digest.Erased, $"a replica is not erased: {digest}"));
        for (var i = 0; i < cluster.BackupServerCount; i++)
        {
            var everything = string.Join("\n", Directory.GetFiles(cluster.BackupDirectoryOf(i), "*", SearchOption.AllDirectories).Select(File.ReadAllText));
            Assert.All(values, value => Assert.DoesNotContain(value, everything, StringComparison.Ordinal));
        }

        using var reader = cluster.Silo(0).CreateClient(apiKey);
        using var gone = await reader.GetAsync($"/v1/keys/{Deployment.Key(0)}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    /// <summary>A new bucket of class critical: every one of the three servers is its replica.</summary>
    public static async Task<(string Id, string ApiKey)> CriticalBucketAsync(ClusterDeployment cluster)
    {
        using var admin = cluster.Silo(0).CreateClient(Deployment.AdminToken);
        using var minted = await admin.PostAsJsonAsync("/admin/keys", new MintKeyRequest(null));
        var key = (await minted.Content.ReadFromJsonAsync<MintKeyResponse>())!;
        using var client = cluster.Silo(0).CreateClient(key.ApiKey);
        using var policy = await client.PutAsJsonAsync("/v1/bucket/policy", new BucketPolicyDto("critical", null));
        Assert.True(policy.IsSuccessStatusCode, $"policy: {(int)policy.StatusCode} {await policy.Content.ReadAsStringAsync()}");
        return (key.Id, key.ApiKey);
    }

    private static async Task<List<string>> WriteAsync(ClusterDeployment cluster, string apiKey)
    {
        using var client = cluster.Silo(0).CreateClient(apiKey);
        var values = Enumerable.Range(0, Keys).Select(i => $"value-{i}-{Guid.NewGuid():N}").ToList();
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal(HttpStatusCode.Created, await Deployment.PutAsync(client, Deployment.Key(i), values[i]));
        }

        return values;
    }

    /// <summary>Waits until every backup server answers the same digest for the bucket, and returns the answers.</summary>
    private static async Task<List<ReplicaDigest>> AgreeAsync(ClusterDeployment cluster, string id, string what)
    {
        var digests = await Poll.UntilAsync(
            async () =>
            {
                var all = new List<ReplicaDigest?>();
                for (var i = 0; i < cluster.BackupServerCount; i++)
                {
                    using var client = cluster.Backup(i).CreateClient(Deployment.InternalToken);
                    using var response = await client.GetAsync($"/internal/v1/buckets/{id}/digest");
                    all.Add(response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<ReplicaDigest>() : null);
                }

                return all;
            },
            all => all.All(d => d is not null) && all.Select(d => (d!.WriterEpoch, d.LastSeq, d.Digest)).Distinct().Count() == 1,
            Deadline,
            what);
        return [.. digests.Select(d => d!)];
    }

    private static async Task<IReadOnlyList<BackupEvent>> EventsAsync(HttpClient admin, BackupEventKind kind, TimeSpan deadline, string what) =>
        await Poll.UntilAsync(
            async () =>
            {
                using var response = await admin.GetAsync($"/admin/v1/events?kind={kind}");
                var page = await response.Content.ReadFromJsonAsync<BackupEventPage>(JsonSerializerOptions.Web);
                return page?.Events ?? [];
            },
            events => events.Count > 0,
            deadline,
            what);
}
