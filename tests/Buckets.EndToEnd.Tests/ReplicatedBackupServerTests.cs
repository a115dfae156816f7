using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Cluster;
using Buckets.Contracts.Http;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>
/// Three backup servers as processes on 127.0.0.1 keeping each bucket on R of them
/// (docs/backup-protocol.md): one is killed and loses its disk under a bounded write load, comes back
/// empty, copies its buckets back from its peers, and every critical bucket ends with the same state
/// on all its replicas; nothing acknowledged is lost. Then two of three are down: critical writes are refused.
/// </summary>
[Trait("Category", "E2E")]
public sealed class ReplicatedBackupServerTests
{
    private const int BucketsPerClass = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ABackupServerKilledWithItsDiskUnderLoadResyncsAndNothingAcknowledgedIsLost()
    {
        await using var cluster = await ClusterDeployment.StartAsync(silos: 1, backupServers: 3);
        var buckets = await MintAsync(cluster);
        var acknowledged = new Dictionary<(string Bucket, string Key), string>();

        await WriteRoundsAsync(cluster, buckets, 0, 10, acknowledged);
        cluster.KillBackupServer(1, wipe: true);
        await WriteRoundsAsync(cluster, buckets, 10, 20, acknowledged);

        // Every critical write was acknowledged with one of three servers gone: two of three is a majority.
        foreach (var bucket in buckets.Where(b => b.Critical))
        {
            Assert.All(Enumerable.Range(10, 10), round => Assert.True(acknowledged.ContainsKey((bucket.Key.Id, Key(round))), $"critical write {round} of {bucket.Key.Id} with one backup server down was refused"));
        }

        await cluster.StartBackupServerAsync(1);
        using var restarted = cluster.Backup(1).CreateClient(Deployment.AdminToken);
        var status = await Poll.UntilAsync(
            () => restarted.GetFromJsonAsync<ClusterStatus>("/admin/v1/cluster"),
            s => s is { Resync.Resyncing: false },
            Deadline,
            "the wiped backup server's resync");
        Assert.True(status!.Resync.BucketsCopied > 0, "the wiped server copied nothing back");
        var resyncEvents = await restarted.GetFromJsonAsync<Buckets.Backup.Events.BackupEventPage>("/admin/v1/events?kind=ResyncStarted", System.Text.Json.JsonSerializerOptions.Web);
        Assert.NotEmpty(resyncEvents!.Events);
        await WriteRoundsAsync(cluster, buckets, 20, 25, acknowledged);

        // Nothing acknowledged is lost, and every replica of every bucket ends with the same state.
        using (var reader = cluster.Silo(0).CreateClient())
        {
            foreach (var ((bucketId, key), value) in acknowledged)
            {
                var apiKey = buckets.Single(b => b.Key.Id == bucketId).Key.ApiKey;
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/keys/{key}");
                request.Headers.Authorization = new("Bearer", apiKey);
                using var response = await reader.SendAsync(request);
                Assert.Equal(value, await response.Content.ReadAsStringAsync());
            }
        }

        foreach (var bucket in buckets)
        {
            await Poll.UntilAsync(async () => string.Join(" | ", await DigestsAsync(cluster, bucket)), digests => digests.Split(" | ").Distinct().Count() == 1, Deadline, $"the replicas of bucket {bucket.Key.Id} ({(bucket.Critical ? "critical" : "standard")}) to agree");
        }
    }

    [Fact]
    public async Task WithTwoOfThreeBackupServersDownACriticalWriteIsRefusedAndReadsGoOn()
    {
        await using var cluster = await ClusterDeployment.StartAsync(silos: 1, backupServers: 3);
        var bucket = (await MintAsync(cluster)).First(b => b.Critical);
        using var client = cluster.Silo(0).CreateClient(bucket.Key.ApiKey);
        using (var kept = await client.PutAsync("/v1/keys/kept", new StringContent("1")))
        {
            Assert.Equal(HttpStatusCode.Created, kept.StatusCode);
        }

        cluster.KillBackupServer(0);
        cluster.KillBackupServer(2);
        using var refused = await client.PutAsync("/v1/keys/refused", new StringContent("2"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal("1", await client.GetStringAsync("/v1/keys/kept"));
    }

    private static string Key(int round) => "k" + round.ToString(CultureInfo.InvariantCulture);

    private static async Task<List<(MintKeyResponse Key, bool Critical)>> MintAsync(ClusterDeployment cluster)
    {
        using var admin = cluster.Silo(0).CreateClient(Deployment.AdminToken);
        var buckets = new List<(MintKeyResponse, bool)>();
        for (var i = 0; i < 2 * BucketsPerClass; i++)
        {
            var key = (await (await admin.PostAsJsonAsync("/admin/keys", new MintKeyRequest(null))).Content.ReadFromJsonAsync<MintKeyResponse>())!;
            var critical = i % 2 == 0;
            using var client = cluster.Silo(0).CreateClient(key.ApiKey);
            using var policy = await client.PutAsJsonAsync("/v1/bucket/policy", new BucketPolicyDto(critical ? "critical" : "standard", null));
            Assert.True(policy.IsSuccessStatusCode, $"policy: {(int)policy.StatusCode} {await policy.Content.ReadAsStringAsync()}");
            buckets.Add((key, critical));
        }

        return buckets;
    }

    /// <summary>One write per bucket per round; the acknowledged ones (2xx) are remembered with their value.</summary>
    private static async Task WriteRoundsAsync(ClusterDeployment cluster, List<(MintKeyResponse Key, bool Critical)> buckets, int from, int to, Dictionary<(string, string), string> acknowledged)
    {
        using var client = cluster.Silo(0).CreateClient();
        for (var round = from; round < to; round++)
        {
            foreach (var (key, _) in buckets)
            {
                var value = $"{key.Id}-{round}";
                using var request = new HttpRequestMessage(HttpMethod.Put, $"/v1/keys/{Key(round)}") { Content = new StringContent(value) };
                request.Headers.Authorization = new("Bearer", key.ApiKey);
                using var response = await client.SendAsync(request);
                if (response.IsSuccessStatusCode)
                {
                    acknowledged[(key.Id, Key(round))] = value;
                }
            }
        }
    }

    /// <summary>The state digest each replica placed on the bucket holds ("missing" or "unreadable" when it cannot say).</summary>
    private static async Task<List<string>> DigestsAsync(ClusterDeployment cluster, (MintKeyResponse Key, bool Critical) bucket)
    {
        var servers = Enumerable.Range(0, cluster.BackupServerCount).Select(i => ReplicaPlacement.ServerId(new Uri(cluster.BackupServerUrl(i)))).ToList();
        var digests = new List<string>();
        foreach (var index in ReplicaPlacement.Replicas(bucket.Key.Id, servers, bucket.Critical ? 3 : 2))
        {
            using var client = cluster.Backup(index).CreateClient(Deployment.InternalToken);
            using var response = await client.GetAsync(InternalBackupRoutes(bucket.Key.Id));
            digests.Add(response.IsSuccessStatusCode
                ? $"{StateDigest.Of(await response.Content.ReadAsByteArrayAsync())[..12]} at {string.Join(",", response.Headers.GetValues(Buckets.Backup.Endpoints.InternalBackupRoutes.LastSeqHeader))}"
                : $"unreadable ({(int)response.StatusCode})");
        }

        return digests;
    }

    private static string InternalBackupRoutes(string bucketId) => Buckets.Backup.Endpoints.InternalBackupRoutes.Replica(bucketId);
}
