using System.Net;
using System.Net.Http.Json;
using Buckets.Contracts.Http;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>The cluster profile across full restarts: what PostgreSQL keeps and what the backup server keeps.</summary>
[Trait("Category", "E2E")]
public sealed class ClusterProfileTests
{
    [Fact]
    public async Task BucketMetadataSurvivesStoppingEverySilo()
    {
        await using var cluster = await ClusterDeployment.StartAsync(silos: 2);
        using var admin = cluster.Silo(0).CreateClient(Deployment.AdminToken);
        var cacheKey = (await (await admin.PostAsJsonAsync("/admin/keys", new MintKeyRequest(null))).Content.ReadFromJsonAsync<MintKeyResponse>())!;
        var standardKey = (await (await admin.PostAsJsonAsync("/admin/keys", new MintKeyRequest(null))).Content.ReadFromJsonAsync<MintKeyResponse>())!;
        await SetPolicyAsync(cluster, cacheKey, new BucketPolicyDto("cache", 3600));
        await SetPolicyAsync(cluster, standardKey, new BucketPolicyDto("standard", 120));

        // Every silo and the backup server go down; the silos come back while the backup server stays down.
        foreach (var silo in cluster.LiveSilos.ToList())
        {
            cluster.KillSilo(silo);
        }

        cluster.BackupServer!.Kill();
        await cluster.StartSiloAsync(0);
        await cluster.StartSiloAsync(1);

        // The cache bucket's policy can only have come from PostgreSQL: nothing else is up.
        using var cache = cluster.Silo(1).CreateClient(cacheKey.ApiKey);
        var cacheStats = await cache.GetFromJsonAsync<BucketStatsResponse>("/v1/bucket");
        Assert.Equal(new BucketPolicyDto("cache", 3600), cacheStats!.Policy);

        // A standard bucket may hold data in the backup: it refuses to serve empty.
        using var standard = cluster.Silo(1).CreateClient(standardKey.ApiKey);
        using (var unavailable = await standard.GetAsync("/v1/bucket"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
        }

        await cluster.StartBackupServerAsync();
        var standardStats = await Poll.UntilAsync(
            async () =>
            {
                using var response = await standard.GetAsync("/v1/bucket");
                return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<BucketStatsResponse>() : null;
            },
            stats => stats is not null,
            TimeSpan.FromSeconds(20),
            "the standard bucket once the backup server is back");
        Assert.Equal(new BucketPolicyDto("standard", 120), standardStats!.Policy);
    }

    private static async Task SetPolicyAsync(ClusterDeployment cluster, MintKeyResponse key, BucketPolicyDto policy)
    {
        using var client = cluster.Silo(0).CreateClient(key.ApiKey);
        using var response = await client.PutAsJsonAsync("/v1/bucket/policy", policy);
        Assert.True(response.IsSuccessStatusCode, $"policy: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
