using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Buckets.Backup.Storage;
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

        var files = Directory.GetFiles(BucketLayout.PathOf(deployment.BackupDirectory, id), "*.englang").Order(StringComparer.Ordinal).ToArray();
        var replay = await Cli.RunAsync(["replay", .. files]);
        Assert.True(replay.ExitCode == 0, replay.Errors);
        Assert.Contains("held \"note\" as \"line one\\nline \\\"two\\\"\"", replay.Output, StringComparison.Ordinal);

        // The bucket's folder is found by its id under the data directory's hash-prefix folders.
        var byId = await Cli.RunAsync("replay", "--bucket", id, "--dir", deployment.BackupDirectory);
        Assert.True(byId.ExitCode == 0, byId.Errors);
        Assert.Contains("held \"note\" as \"line one\\nline \\\"two\\\"\"", byId.Output, StringComparison.Ordinal);
        Assert.Contains("held \"cart\" as \"3 apples\"", byId.Output, StringComparison.Ordinal);

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

    [Fact]
    public async Task BackupEventsShowsTheBackupServersEventsAlsoAfterItWasKilled()
    {
        // A reserve no disk can meet: the backup server's first disk sample raises DiskLimitReached.
        await using var deployment = await Deployment.StartAsync(
            remoteBackup: true,
            backupSettings: new Dictionary<string, string> { ["Backup:Events:DiskReserveBytes"] = long.MaxValue.ToString(CultureInfo.InvariantCulture) });
        var server = $"http://127.0.0.1:{deployment.BackupInternalPort}";
        string[] events = ["backup", "events", "--server", server, "--admin-token", Deployment.AdminToken, "--kind", "DiskLimitReached", "--json"];

        var first = await Poll.UntilAsync(
            () => Cli.RunAsync(events),
            run => run.ExitCode == 0 && IdsOf(run.Output).Count > 0,
            TimeSpan.FromSeconds(30),
            "a DiskLimitReached event on the backup server");
        var id = IdsOf(first.Output)[0];

        deployment.BackupServer!.Kill();
        await deployment.StartBackupServerAsync();

        var after = await Cli.RunAsync(events);
        Assert.True(after.ExitCode == 0, after.Errors);
        Assert.Contains(id, IdsOf(after.Output));
        var lines = await Cli.RunAsync("backup", "events", "--server", server, "--admin-token", Deployment.AdminToken, "--severity", "failure");
        Assert.True(lines.ExitCode == 0, lines.Errors);
        Assert.Contains("Failure DiskLimitReached: The backup disk has", lines.Output, StringComparison.Ordinal);

        var refused = await Cli.RunAsync("backup", "events", "--server", server, "--admin-token", Deployment.AdminToken, "--kind", "NoSuchKind");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("400", refused.Errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackupStatusFollowsOneBackupServersListToEveryServerAndNamesOneThatIsDown()
    {
        // Moves every second too: the first pass is skipped while a server still checks whether it
        // must resync, and the next would otherwise come only after the default 10 minutes.
        var settings = new Dictionary<string, string>(ReplicatedSweepTests.QuickSweep) { ["Backup:Resync:MoveInterval"] = "00:00:01" };
        await using var cluster = await ClusterDeployment.StartAsync(silos: 1, backupServers: 3, backupSettings: settings);
        var (id, apiKey) = await ReplicatedSweepTests.CriticalBucketAsync(cluster);
        using (var client = cluster.Silo(0).CreateClient(apiKey))
        {
            Assert.Equal(HttpStatusCode.Created, await Deployment.PutAsync(client, "k", "v"));
        }

        string[] status = ["backup", "status", "--server", cluster.BackupServerUrl(0), "--admin-token", Deployment.AdminToken];
        var all = await Poll.UntilAsync(
            () => Cli.RunAsync(status),
            run => run.ExitCode == 0 && run.Output.Split("1 held, 1 kept here").Length == 4 && !run.Output.Contains("below target: 1", StringComparison.Ordinal)
                && run.Output.Split("moves:        last pass").Length == 4,
            TimeSpan.FromSeconds(30),
            "a finished sweep and a moves pass on every server, with the bucket on each");
        Assert.Contains("3 backup servers asked, 3 answered", all.Output, StringComparison.Ordinal);
        for (var i = 0; i < cluster.BackupServerCount; i++)
        {
            Assert.Contains(cluster.BackupServerUrl(i), all.Output, StringComparison.Ordinal);
        }

        Assert.Contains("below target: 0", all.Output, StringComparison.Ordinal);
        Assert.Contains("moves:        last pass", all.Output, StringComparison.Ordinal);

        var json = await Cli.RunAsync([.. status, "--json"]);
        Assert.True(json.ExitCode == 0, json.Errors);
        using (var document = JsonDocument.Parse(json.Output))
        {
            var last = document.RootElement.GetProperty(cluster.BackupServerUrl(1)).GetProperty("sweep").GetProperty("last");
            Assert.Equal(1, last.GetProperty("bucketsKept").GetInt64());
        }

        // One server down: it is named, its peers say it does not answer, and the exit code says so.
        cluster.KillBackupServer(2);
        var down = await Poll.UntilAsync(
            () => Cli.RunAsync(status),
            run => run.Output.Contains("DOES NOT ANSWER", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "the peers to notice the stopped server");
        Assert.Equal(1, down.ExitCode);
        Assert.Contains("3 backup servers asked, 2 answered", down.Output, StringComparison.Ordinal);
        Assert.Contains("unreachable: did not answer", down.Output, StringComparison.Ordinal);
        var unreachable = await Cli.RunAsync("backup", "events", "--server", cluster.BackupServerUrl(0), "--admin-token", Deployment.AdminToken, "--kind", "ServerUnreachable");
        Assert.Contains($"Backup server {cluster.BackupServerUrl(2)} does not answer", unreachable.Output, StringComparison.Ordinal);
    }

    private static List<long> IdsOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetInt64())];
    }
}
