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
    private const int MaxRoundsWhileChanging = 200;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task ABackupServerKilledWithItsDiskUnderLoadResyncsAndNothingAcknowledgedIsLost()
    {
        // The integrity sweep runs often: a replica still behind its peer after the grace period is
        // repaired from it (a standard bucket's replica was seen one change behind after a resync under
        // load in about one run of three; docs/backup-protocol.md, "Not built yet").
        await using var cluster = await ClusterDeployment.StartAsync(silos: 1, backupServers: 3, backupSettings: ReplicatedSweepTests.QuickSweep);
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
        await AssertAcknowledgedReadBackAsync(cluster, buckets, acknowledged);

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

    [Fact]
    public async Task AFourthBackupServerJoinsUnderLoadThenOneLeavesAndNothingIsLostAndEveryBucketEndsOnItsReplicas()
    {
        // The integrity sweep runs often here too: see the wipe test above.
        await using var cluster = await ClusterDeployment.StartAsync(silos: 1, backupServers: 3, spareBackupServers: 1, backupSettings: ReplicatedSweepTests.QuickSweep);
        var buckets = await MintAsync(cluster);
        var acknowledged = new Dictionary<(string Bucket, string Key), string>();
        await WriteRoundsAsync(cluster, buckets, 0, 5, acknowledged);

        // N = 3 to 4: the new server starts on the new list, then every other process restarts on it, one
        // at a time, while writes go on.
        cluster.SetBackupList([0, 1, 2, 3], []);
        await cluster.StartBackupServerAsync(3);
        var round = await WriteWhileAsync(cluster, buckets, 5, acknowledged, async () =>
        {
            for (var server = 0; server < 3; server++)
            {
                await cluster.RestartBackupServerAsync(server);
            }

            await cluster.RestartSiloAsync(0);
        });

        Assert.True(round > 5, "no write was made while the list changed");
        using (var restarted = cluster.Backup(0).CreateClient(Deployment.AdminToken))
        {
            var added = await restarted.GetFromJsonAsync<Buckets.Backup.Events.BackupEventPage>("/admin/v1/events?kind=ServerAdded", System.Text.Json.JsonSerializerOptions.Web);
            Assert.Contains(added!.Events, e => e.Details.GetValueOrDefault("server") == ReplicaPlacement.ServerId(new Uri(cluster.BackupServerUrl(3))));
        }

        // A bucket in use brings its new replicas up to date as it activates; idle ones wait for the integrity sweep.
        await WriteRoundsAsync(cluster, buckets, round, round + 1, acknowledged);
        round++;
        await WaitPlacedAsync(cluster, buckets, [0, 1, 2, 3]);

        // N = 4 to 3: server 1 leaves; it keeps its copies until their new replicas hold them.
        cluster.SetBackupList([0, 2, 3], [1]);
        round = await WriteWhileAsync(cluster, buckets, round, acknowledged, async () =>
        {
            // The servers that stay first, then the one leaving.
            foreach (var server in (int[])[0, 2, 3, 1])
            {
                await cluster.RestartBackupServerAsync(server);
            }

            await cluster.RestartSiloAsync(0);
        });
        await WriteRoundsAsync(cluster, buckets, round, round + 3, acknowledged);
        await WaitPlacedAsync(cluster, buckets, [0, 1, 2, 3]);
        using (var leaving = cluster.Backup(1).CreateClient(Deployment.InternalToken))
        {
            await Poll.UntilAsync(async () => (await leaving.GetFromJsonAsync<BucketPage>(Buckets.Backup.Endpoints.InternalBackupRoutes.BucketList + "?limit=1"))!.Buckets.Count, count => count == 0, Deadline, "the leaving backup server to forget every bucket");
        }

        await AssertAcknowledgedReadBackAsync(cluster, buckets, acknowledged);
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
                await WriteOnceAsync(client, key, round, acknowledged);
            }
        }
    }

    private static async Task AssertAcknowledgedReadBackAsync(ClusterDeployment cluster, List<(MintKeyResponse Key, bool Critical)> buckets, Dictionary<(string, string), string> acknowledged)
    {
        using var reader = cluster.Silo(0).CreateClient();
        foreach (var ((bucketId, key), value) in acknowledged)
        {
            var apiKey = buckets.Single(b => b.Key.Id == bucketId).Key.ApiKey;
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/keys/{key}");
            request.Headers.Authorization = new("Bearer", apiKey);
            using var response = await reader.SendAsync(request);
            Assert.Equal(value, await response.Content.ReadAsStringAsync());
        }
    }

    /// <summary>One write of round <paramref name="round"/> to the bucket; remembered with its value when acknowledged (2xx).</summary>
    private static async Task WriteOnceAsync(HttpClient client, MintKeyResponse key, int round, Dictionary<(string, string), string> acknowledged)
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

    /// <summary>
    /// Writes rounds (as <see cref="WriteRoundsAsync"/>, a failed request not acknowledged) until
    /// <paramref name="change"/> is done, at most <see cref="MaxRoundsWhileChanging"/>; returns the next round.
    /// </summary>
    private static async Task<int> WriteWhileAsync(ClusterDeployment cluster, List<(MintKeyResponse Key, bool Critical)> buckets, int from, Dictionary<(string, string), string> acknowledged, Func<Task> change)
    {
        var changing = change();
        var round = from;
        while (!changing.IsCompleted && round < from + MaxRoundsWhileChanging)
        {
            foreach (var (key, _) in buckets)
            {
                try
                {
                    using var client = cluster.Silo(0).CreateClient();
                    await WriteOnceAsync(client, key, round, acknowledged);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
                {
                    // The silo is restarting: this write is not acknowledged.
                }
            }

            round++;
        }

        await changing;
        return round;
    }

    /// <summary>
    /// Waits until every bucket's replicas over the list <paramref name="servers"/> (R by class) hold the
    /// same state, and no server outside the bucket's widest placement (R of a critical bucket) holds it.
    /// </summary>
    private static async Task WaitPlacedAsync(ClusterDeployment cluster, List<(MintKeyResponse Key, bool Critical)> buckets, IReadOnlyList<int> servers)
    {
        foreach (var bucket in buckets)
        {
            await Poll.UntilAsync(async () => string.Join(" | ", await DigestsAsync(cluster, bucket)), digests => digests.Split(" | ").Distinct().Count() == 1 && !digests.Contains("unreadable", StringComparison.Ordinal), Deadline, $"the replicas of bucket {bucket.Key.Id} ({(bucket.Critical ? "critical" : "standard")}) to agree");
            var listed = cluster.ListedBackupServers;
            var placed = ReplicaPlacement.Replicas(bucket.Key.Id, [.. listed.Select(i => ReplicaPlacement.ServerId(new Uri(cluster.BackupServerUrl(i))))], Math.Min(3, listed.Count)).Select(index => listed[index]).ToList();
            foreach (var other in servers.Except(placed))
            {
                using var client = cluster.Backup(other).CreateClient(Deployment.InternalToken);
                await Poll.UntilAsync(async () => (await client.GetAsync(InternalBackupRoutes(bucket.Key.Id))).StatusCode, status => status == HttpStatusCode.NotFound, Deadline, $"backup server {other}, no longer placed for bucket {bucket.Key.Id}, to forget it");
            }
        }
    }

    /// <summary>The state digest each replica placed on the bucket holds ("missing" or "unreadable" when it cannot say).</summary>
    private static async Task<List<string>> DigestsAsync(ClusterDeployment cluster, (MintKeyResponse Key, bool Critical) bucket)
    {
        var listed = cluster.ListedBackupServers;
        var servers = listed.Select(i => ReplicaPlacement.ServerId(new Uri(cluster.BackupServerUrl(i)))).ToList();
        var digests = new List<string>();
        foreach (var index in ReplicaPlacement.Replicas(bucket.Key.Id, servers, Math.Min(bucket.Critical ? 3 : 2, servers.Count)))
        {
            using var client = cluster.Backup(listed[index]).CreateClient(Deployment.InternalToken);
            using var response = await client.GetAsync(InternalBackupRoutes(bucket.Key.Id));
            digests.Add(response.IsSuccessStatusCode
                ? $"{StateDigest.Of(await response.Content.ReadAsByteArrayAsync())[..12]} at {string.Join(",", response.Headers.GetValues(Buckets.Backup.Endpoints.InternalBackupRoutes.LastSeqHeader))}"
                : $"unreadable ({(int)response.StatusCode})");
        }

        return digests;
    }

    private static string InternalBackupRoutes(string bucketId) => Buckets.Backup.Endpoints.InternalBackupRoutes.Replica(bucketId);
}
