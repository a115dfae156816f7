using System.Net;
using System.Net.Http.Json;
using System.Text;
using Buckets.Contracts.Http;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>Point-in-time restore, erase and export on the development profile (backups under ./data).</summary>
[Trait("Category", "E2E")]
public sealed class RestoreAndEraseTests
{
    private static readonly TimeSpan BackupDeadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task DevelopmentProfileBacksUpToDataAsReadableEnglish()
    {
        await using var deployment = await Deployment.StartAsync();
        var client = await deployment.NewBucketAsync();
        Assert.Equal(HttpStatusCode.Created, await Deployment.PutAsync(client, "cart", "3 apples"));
        await Deployment.WaitBackedUpAsync(client, BackupDeadline);

        var files = Directory.GetFiles(Path.Combine(deployment.Root, "data", "backups"), "*.englang", SearchOption.AllDirectories);
        var text = string.Join("\n", files.Select(File.ReadAllText));
        Assert.Contains("set \"cart\" to \"3 apples\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Deployment.ClusterSecret, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestoreToAChangeNumberGivesExactlyTheStateThen()
    {
        await using var deployment = await Deployment.StartAsync();
        var client = await deployment.NewBucketAsync();
        await Deployment.PutAsync(client, "a", "first");
        var stats = await client.GetFromJsonAsync<BucketStatsResponse>("/v1/bucket");
        var pointInTime = stats!.LastChange;
        await Deployment.PutAsync(client, "a", "second");
        await Deployment.PutAsync(client, "b", "later");
        await Deployment.WaitBackedUpAsync(client, BackupDeadline);

        using var admin = deployment.Silo!.CreateClient(Deployment.AdminToken);
        var id = (await client.GetFromJsonAsync<BucketStatsResponse>("/v1/bucket"))!.Id;
        using var restore = await admin.PostAsync($"/admin/buckets/{id}/restore?seq={pointInTime}", null);
        Assert.True(restore.IsSuccessStatusCode, await restore.Content.ReadAsStringAsync());

        Assert.Equal("first", await client.GetStringAsync("/v1/keys/a"));
        using var b = await client.GetAsync("/v1/keys/b");
        Assert.Equal(HttpStatusCode.NotFound, b.StatusCode);

        // The restore is durable: it survives a crash like any change.
        await Deployment.WaitBackedUpAsync(client, BackupDeadline);
        deployment.Silo.Kill();
        await deployment.StartSiloAsync();
        using var after = deployment.ClientFor(client);
        Assert.Equal("first", await after.GetStringAsync("/v1/keys/a"));
    }

    [Fact]
    public async Task RestoreToAPointInTimeGivesTheStateAtThatMoment()
    {
        await using var deployment = await Deployment.StartAsync();
        var client = await deployment.NewBucketAsync();
        await Deployment.PutAsync(client, "k", "morning");
        await Deployment.WaitBackedUpAsync(client, BackupDeadline);
        var moment = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow), now => now > moment.AddMilliseconds(20), TimeSpan.FromSeconds(1), "the clock to move past the moment");
        await Deployment.PutAsync(client, "k", "evening");
        await Deployment.WaitBackedUpAsync(client, BackupDeadline);

        using var admin = deployment.Silo!.CreateClient(Deployment.AdminToken);
        var id = (await client.GetFromJsonAsync<BucketStatsResponse>("/v1/bucket"))!.Id;
        using var restore = await admin.PostAsync($"/admin/buckets/{id}/restore?at={Uri.EscapeDataString(moment.ToString("O"))}", null);
        Assert.True(restore.IsSuccessStatusCode, await restore.Content.ReadAsStringAsync());

        Assert.Equal("morning", await client.GetStringAsync("/v1/keys/k"));
    }

    [Fact]
    public async Task EraseLeavesNoErasedValueInAnyBackupFile()
    {
        await using var deployment = await Deployment.StartAsync();
        var client = await deployment.NewBucketAsync();
        var secrets = Enumerable.Range(0, 20).Select(i => $"private-value-{Guid.NewGuid():N}").ToList();
        for (var i = 0; i < secrets.Count; i++)
        {
            await Deployment.PutAsync(client, Deployment.Key(i), secrets[i]);
        }

        await Deployment.WaitBackedUpAsync(client, BackupDeadline);
        using var erase = await client.DeleteAsync("/v1/bucket");
        Assert.Equal(HttpStatusCode.NoContent, erase.StatusCode);

        var everything = string.Join("\n", Directory.GetFiles(deployment.BackupDirectory, "*", SearchOption.AllDirectories).Select(File.ReadAllText));
        Assert.All(secrets, s => Assert.DoesNotContain(s, everything, StringComparison.Ordinal));
        Assert.Contains("was erased", everything, StringComparison.Ordinal);
        using var gone = await client.GetAsync($"/v1/keys/{Deployment.Key(0)}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task ExportReturnsTheBucketAsAnEnglangSnapshot()
    {
        await using var deployment = await Deployment.StartAsync();
        var client = await deployment.NewBucketAsync();
        await Deployment.PutAsync(client, "line", "with \"quotes\"\nand a newline");

        var export = await client.GetStringAsync("/v1/bucket/export");

        Assert.Contains("began a snapshot", export, StringComparison.Ordinal);
        Assert.Contains("held \"line\" as \"with \\\"quotes\\\"\\nand a newline\"", export, StringComparison.Ordinal);
        Assert.Contains("ended the snapshot", export, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetByteCount(export), Encoding.UTF8.GetBytes(export).Length);
    }
}
