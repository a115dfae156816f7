using System.Net;
using System.Net.Http.Json;
using Buckets.Contracts.Http;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>The <c>buckets</c> tool against real backup files written by a running server.</summary>
[Trait("Category", "E2E")]
public sealed class CliTests
{
    [Fact]
    public async Task VerifyHistoryAndReplayReadTheBackupAndVerifyNamesADamagedLine()
    {
        await using var deployment = await Deployment.StartAsync();
        var client = await deployment.NewBucketAsync();
        Assert.Equal(HttpStatusCode.Created, await Deployment.PutAsync(client, "cart", "3 apples"));
        Assert.Equal(HttpStatusCode.Created, await Deployment.PutAsync(client, "note", "line one\nline \"two\""));
        await Deployment.WaitBackedUpAsync(client, TimeSpan.FromSeconds(20));
        var id = (await client.GetFromJsonAsync<BucketStatsResponse>("/v1/bucket"))!.Id;

        var verify = await Cli.RunAsync("verify", deployment.BackupDirectory);
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Errors);
        Assert.Contains("no damage found", verify.Output, StringComparison.Ordinal);

        var history = await Cli.RunAsync("history", id, "--dir", deployment.BackupDirectory);
        Assert.True(history.ExitCode == 0, history.Errors);
        Assert.Contains("set \"cart\" to \"3 apples\"", history.Output, StringComparison.Ordinal);

        var files = Directory.GetFiles(Path.Combine(deployment.BackupDirectory, "buckets", id), "*.englang").Order(StringComparer.Ordinal).ToArray();
        var replay = await Cli.RunAsync(["replay", .. files]);
        Assert.True(replay.ExitCode == 0, replay.Errors);
        Assert.Contains("held \"note\" as \"line one\\nline \\\"two\\\"\"", replay.Output, StringComparison.Ordinal);

        // Damage one byte of the first line of the change file: verify names the file and line 1.
        deployment.Silo!.Kill();
        var changes = files.Single(f => Path.GetFileName(f).StartsWith("changes", StringComparison.Ordinal));
        var bytes = await File.ReadAllBytesAsync(changes);
        var at = Array.IndexOf(bytes, (byte)'3');
        bytes[at] = (byte)'4';
        await File.WriteAllBytesAsync(changes, bytes);

        var damaged = await Cli.RunAsync("verify", deployment.BackupDirectory);
        Assert.Equal(1, damaged.ExitCode);
        Assert.Contains(Path.GetFileName(changes), damaged.Output, StringComparison.Ordinal);
        Assert.Contains(":1:", damaged.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeysMintOfflineMatchesWhatTheServerAccepts()
    {
        await using var deployment = await Deployment.StartAsync();

        var mint = await Cli.RunAsync("keys", "mint", "--id", "offline-key", "--cluster-secret", Deployment.ClusterSecret);

        Assert.True(mint.ExitCode == 0, mint.Errors);
        using var client = deployment.Silo!.CreateClient(mint.Output.Trim());
        using var response = await client.GetAsync("/v1/bucket");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
