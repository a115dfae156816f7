using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>The built program, started as a user would with no settings, on a free loopback port.</summary>
[Trait("Category", "E2E")]
public sealed partial class DevelopmentProfileTests
{
    [Fact]
    public async Task FreshStartPrintsAnAdminTokenThatMintsWorkingKeys()
    {
        var workDir = ServerHarness.NewWorkingDirectory();
        await using var server = await ServerHarness.StartServerAsync(workDir);
        var token = await Poll.UntilAsync(
            () => Task.FromResult(AdminTokenLine().Match(server.Output)),
            m => m.Success,
            TimeSpan.FromSeconds(10),
            "the admin token banner");
        Assert.True(File.Exists(Path.Combine(workDir, "data", "secrets.json")), "secrets are kept under ./data");

        var key = await ServerHarness.MintKeyAsync(server, token.Groups[1].Value);
        using var client = server.CreateClient(key.ApiKey);

        using var put = await client.PutAsync("/v1/keys/greeting", new StringContent("hello, world", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal("hello, world", await client.GetStringAsync("/v1/keys/greeting"));

        using var forged = server.CreateClient(key.Id + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
        using var forgedGet = await forged.GetAsync("/v1/keys/greeting");
        Assert.Equal(HttpStatusCode.Unauthorized, forgedGet.StatusCode);

        using var delete = await client.DeleteAsync("/v1/keys/greeting");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        using var gone = await client.GetAsync("/v1/keys/greeting");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task EntryWithOneSecondTtlIsGoneTwoSecondsLater()
    {
        var workDir = ServerHarness.NewWorkingDirectory();
        await using var server = await ServerHarness.StartServerAsync(workDir, new Dictionary<string, string>
        {
            ["Buckets:Security:AdminToken"] = Deployment.AdminToken,
            ["Buckets:Security:ClusterSecret"] = Deployment.ClusterSecret,
        });
        var key = await ServerHarness.MintKeyAsync(server, Deployment.AdminToken);
        using var client = server.CreateClient(key.ApiKey);

        using var put = await client.PutAsync("/v1/keys/flash?ttl=1", new StringContent("brief", Encoding.UTF8, "text/plain"));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        await Poll.UntilAsync(
            async () => (await client.GetAsync("/v1/keys/flash")).StatusCode,
            status => status == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(3),
            "the ttl=1 entry to expire");
    }

    [Fact]
    public async Task InvalidSettingStopsStartUpNamingTheSetting()
    {
        var workDir = ServerHarness.NewWorkingDirectory();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerHarness.StartServerAsync(workDir, new Dictionary<string, string>
        {
            ["Buckets:Limits:MaxValueBytes"] = "0",
        }));

        Assert.Contains("MaxValueBytes", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WeakClusterSecretStopsStartUpNamingTheSetting()
    {
        var workDir = ServerHarness.NewWorkingDirectory();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerHarness.StartServerAsync(workDir, new Dictionary<string, string>
        {
            ["Buckets:Security:ClusterSecret"] = "e2e-cluster-secret-0123456789",
        }));

        Assert.Contains("Buckets:Security:ClusterSecret", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("e2e-cluster-secret-0123456789", failure.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"Admin token: ([0-9a-f]{64})")]
    private static partial Regex AdminTokenLine();
}
