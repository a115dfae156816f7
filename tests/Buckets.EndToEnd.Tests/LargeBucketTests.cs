using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Buckets.Contracts.Http;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>
/// A bucket far above any single request limit (about 200 MiB of Englang) in Remote mode: its
/// snapshot push, its epoch grant on rehydration and its state read for a restore all cross the
/// network between the silo and the backup server.
/// </summary>
[Trait("Category", "E2E")]
public sealed class LargeBucketTests(ITestOutputHelper output)
{
    private const int ValueCount = 200;

    // Exactly the default largest value (Buckets:Limits:MaxValueBytes): 200 of them are 200 MiB,
    // below the default bucket limit of 256 MiB.
    private const int ValueBytes = 1024 * 1024;

    // The whole test, start-up of both processes included, on a shared 2-core machine.
    private const int TestTimeoutMilliseconds = 180_000;

    // A 200 MiB push or rehydration is one request to the silo; the harness's 30 s default is too tight
    // on a shared machine, and no answer at all within this is a failure anyway.
    private static readonly TimeSpan LargeRequestTimeout = TimeSpan.FromSeconds(90);

    [Fact(Timeout = TestTimeoutMilliseconds)]
    public async Task TwoHundredMegabyteBucketIsPushedRehydratedAndRestoredInRemoteMode()
    {
        var clock = Stopwatch.StartNew();
        await using var deployment = await Deployment.StartAsync(remoteBackup: true);
        // A cache bucket is filled without pulls, so the policy change below pushes the whole bucket at once.
        using var created = await deployment.NewBucketAsync("cache");
        using var client = deployment.ClientFor(created);
        client.Timeout = LargeRequestTimeout;
        await FillAsync(client, ValueCount);
        output.WriteLine($"filled {ValueCount} x {ValueBytes} bytes after {clock.Elapsed}");
        await MakeStandardAsync(client, deployment);

        output.WriteLine($"policy change pushed the snapshot after {clock.Elapsed}");
        deployment.Silo!.Kill();
        await deployment.StartSiloAsync();
        using var after = deployment.ClientFor(client);
        after.Timeout = LargeRequestTimeout;
        for (var i = 0; i < ValueCount; i++)
        {
            await AssertValueAsync(after, i, "after the silo restart (epoch grant)", deployment);
        }

        output.WriteLine($"rehydrated and read back after {clock.Elapsed}");
        using var admin = deployment.Silo!.CreateClient(Deployment.AdminToken);
        admin.Timeout = LargeRequestTimeout;
        var id = (await after.GetFromJsonAsync<BucketStatsResponse>("/v1/bucket"))!.Id;
        using (var restore = await admin.PostAsync($"/admin/buckets/{id}/restore", null))
        {
            Assert.True(restore.StatusCode == HttpStatusCode.OK, $"restore (state read and snapshot push): expected 200, got {(int)restore.StatusCode} {await restore.Content.ReadAsStringAsync()}\n{Tail(deployment.Output)}");
        }

        await AssertValueAsync(after, 0, "after the restore", deployment);
        await AssertValueAsync(after, ValueCount - 1, "after the restore", deployment);
        output.WriteLine($"restored after {clock.Elapsed}");
    }

    [Fact(Timeout = TestTimeoutMilliseconds)]
    public async Task SnapshotAboveTheBackupServersSmallerRequestLimitIsSentAsAnUpload()
    {
        // The server takes 1 MiB per request, the silo would send up to its default 8 MiB at once: the
        // 3 MiB snapshot is refused with 413 before its body is sent, then goes as 1 MiB chunks.
        const int Values = 3;
        var settings = new Dictionary<string, string> { ["Backup:Upload:MaxRequestBytes"] = (1024 * 1024).ToString(CultureInfo.InvariantCulture) };
        await using var deployment = await Deployment.StartAsync(remoteBackup: true, settings);
        using var client = await deployment.NewBucketAsync("cache");
        await FillAsync(client, Values);
        await MakeStandardAsync(client, deployment);

        deployment.Silo!.Kill();
        await deployment.StartSiloAsync();
        using var after = deployment.ClientFor(client);
        for (var i = 0; i < Values; i++)
        {
            await AssertValueAsync(after, i, "after the silo restart", deployment);
        }

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(deployment.BackupDirectory, Buckets.Backup.Uploads.UploadSpool.FolderName)));
    }

    private static async Task FillAsync(HttpClient client, int count)
    {
        for (var i = 0; i < count; i++)
        {
            using var content = new ByteArrayContent(Value(i));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var put = await client.PutAsync($"/v1/keys/{Deployment.Key(i)}", content);
            Assert.True(put.StatusCode == HttpStatusCode.Created, $"fill, key {Deployment.Key(i)}: expected 201, got {(int)put.StatusCode} {await put.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>Cache to standard: the policy change pushes the whole bucket as a snapshot.</summary>
    private static async Task MakeStandardAsync(HttpClient client, Deployment deployment)
    {
        using var policy = await client.PutAsJsonAsync("/v1/bucket/policy", new BucketPolicyDto("standard", null));
        Assert.True(policy.StatusCode == HttpStatusCode.OK, $"policy change (snapshot push): expected 200, got {(int)policy.StatusCode} {await policy.Content.ReadAsStringAsync()}\n{Tail(deployment.Output)}");
    }

    /// <summary>Distinct per index, so a value read under the wrong key is caught, and cheap to build again for comparison.</summary>
    private static byte[] Value(int index)
    {
        var value = new byte[ValueBytes];
        value.AsSpan().Fill((byte)('a' + (index % 26)));
        Encoding.ASCII.GetBytes(index.ToString("D4", CultureInfo.InvariantCulture), value);
        return value;
    }

    private static async Task AssertValueAsync(HttpClient client, int index, string phase, Deployment deployment)
    {
        using var response = await client.GetAsync($"/v1/keys/{Deployment.Key(index)}");
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{phase}, key {Deployment.Key(index)}: expected 200, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Tail(deployment.Output)}");
        var actual = await response.Content.ReadAsByteArrayAsync();
        Assert.True(actual.AsSpan().SequenceEqual(Value(index)), $"{phase}, key {Deployment.Key(index)}: expected {ValueBytes} bytes starting '{index:D4}', got {actual.Length} bytes starting '{Encoding.ASCII.GetString(actual.AsSpan(0, Math.Min(8, actual.Length)))}'");
    }

    /// <summary>The processes' last lines: enough to see why without pasting megabytes into the failure.</summary>
    private static string Tail(string text) => text.Length <= 8000 ? text : text[^8000..];
}
