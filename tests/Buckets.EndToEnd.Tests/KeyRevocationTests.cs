using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>
/// <c>buckets keys revoke</c> against a running Cluster-profile deployment (two silos on PostgreSQL,
/// a backup server holding only the admin and internal tokens): the key is refused on every silo
/// within the refresh interval, and a key minted afterwards works on every silo.
/// </summary>
[Trait("Category", "E2E")]
public sealed class KeyRevocationTests
{
    // The silos' refresh interval plus one read of PostgreSQL and the slack of a busy machine.
    private static readonly TimeSpan Bound = ClusterDeployment.RevocationRefreshInterval + TimeSpan.FromSeconds(2);

    [Fact]
    public async Task CliRevokeIsHonouredByEverySiloWithinTheBoundAndAReissuedKeyWorksEverywhere()
    {
        await using var cluster = await ClusterDeployment.StartAsync(silos: 2);
        var minted = await ServerHarness.MintKeyAsync(cluster.Silo(0), Deployment.AdminToken, "revoked-tenant");
        Assert.Equal(HttpStatusCode.OK, await StatusOnEverySiloAsync(cluster, minted.ApiKey));

        var clock = Stopwatch.StartNew();
        var revoke = await Cli.RunAsync("keys", "revoke", minted.Id, "--server", cluster.Silo(0).InternalAddress.ToString(), "--admin-token", Deployment.AdminToken);
        Assert.True(revoke.ExitCode == 0, revoke.Output + revoke.Errors);
        using (var answer = JsonDocument.Parse(revoke.Output))
        {
            Assert.Equal(minted.Serial + 1, answer.RootElement.GetProperty("firstValidSerial").GetInt64());
        }

        await Poll.UntilAsync(() => StatusOnEverySiloAsync(cluster, minted.ApiKey), s => s == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(20), "every silo to refuse the revoked key");
        Assert.True(clock.Elapsed <= Bound, $"every silo refused the revoked key only {clock.Elapsed} after the revoke (bound {Bound})\n{cluster.Output}");

        var mint = await Cli.RunAsync("keys", "mint", "--id", minted.Id, "--server", cluster.Silo(1).InternalAddress.ToString(), "--admin-token", Deployment.AdminToken);
        Assert.True(mint.ExitCode == 0, mint.Output + mint.Errors);
        using var reissued = JsonDocument.Parse(mint.Output);
        var apiKey = reissued.RootElement.GetProperty("apiKey").GetString()!;
        Assert.Equal(HttpStatusCode.OK, await StatusOnEverySiloAsync(cluster, apiKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOnEverySiloAsync(cluster, minted.ApiKey));
    }

    /// <summary>The status every silo answers to <c>GET /v1/bucket</c>, or 500 when they disagree.</summary>
    private static async Task<HttpStatusCode> StatusOnEverySiloAsync(ClusterDeployment cluster, string apiKey)
    {
        var statuses = new HashSet<HttpStatusCode>();
        foreach (var silo in cluster.LiveSilos)
        {
            using var client = cluster.Silo(silo).CreateClient(apiKey);
            using var response = await client.GetAsync("/v1/bucket");
            statuses.Add(response.StatusCode);
        }

        return statuses.Count == 1 ? statuses.Single() : HttpStatusCode.InternalServerError;
    }
}
