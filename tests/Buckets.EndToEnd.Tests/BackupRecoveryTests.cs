using System.Net;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests;

/// <summary>Crashes (SIGKILL) of the silo and of the backup server, and what survives them.</summary>
[Trait("Category", "E2E")]
public sealed class BackupRecoveryTests
{
    private static readonly TimeSpan BackupDeadline = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BackedUpEntriesSurviveAKilledSilo(bool remoteBackup)
    {
        await using var deployment = await Deployment.StartAsync(remoteBackup);
        var client = await deployment.NewBucketAsync();
        var expected = Enumerable.Range(0, 50).ToDictionary(Deployment.Key, i => $"value {i} \"quoted\" ✓");
        foreach (var (key, value) in expected)
        {
            Assert.Equal(HttpStatusCode.Created, await Deployment.PutAsync(client, key, value));
        }

        await Deployment.WaitBackedUpAsync(client, BackupDeadline);
        deployment.Silo!.Kill();
        await deployment.StartSiloAsync();

        using var after = deployment.ClientFor(client);
        foreach (var (key, value) in expected)
        {
            Assert.Equal(value, await after.GetStringAsync($"/v1/keys/{key}"));
        }
    }

    [Fact]
    public async Task EveryAcknowledgedCriticalWriteSurvivesAnImmediateKill()
    {
        await using var deployment = await Deployment.StartAsync(remoteBackup: true);
        var client = await deployment.NewBucketAsync("critical");
        var acknowledged = new Dictionary<string, string>();
        for (var i = 0; i < 100; i++)
        {
            var (key, value) = (Deployment.Key(i), $"critical {i}");
            if (await Deployment.PutAsync(client, key, value) == HttpStatusCode.Created)
            {
                acknowledged[key] = value;
            }
        }

        deployment.Silo!.Kill();
        await deployment.StartSiloAsync();

        Assert.Equal(100, acknowledged.Count);
        using var after = deployment.ClientFor(client);
        foreach (var (key, value) in acknowledged)
        {
            Assert.Equal(value, await after.GetStringAsync($"/v1/keys/{key}"));
        }
    }

    [Fact]
    public async Task KilledBackupServerLosesNoAcknowledgedCriticalWriteAndVerifiesClean()
    {
        await using var deployment = await Deployment.StartAsync(remoteBackup: true);
        var client = await deployment.NewBucketAsync("critical");
        var acknowledged = new Dictionary<string, string>();
        var burst = Task.Run(async () =>
        {
            for (var i = 0; i < 400; i++)
            {
                var (key, value) = (Deployment.Key(i), new string('x', 200) + i);
                try
                {
                    if (await Deployment.PutAsync(client, key, value) is HttpStatusCode.Created or HttpStatusCode.NoContent)
                    {
                        lock (acknowledged)
                        {
                            acknowledged[key] = value;
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // Not acknowledged: no promise was made.
                }
            }
        });
        await Poll.UntilAsync(() => Task.FromResult(acknowledged.Count), n => n >= 50, TimeSpan.FromSeconds(30), "50 acknowledged writes before the kill");
        deployment.BackupServer!.Kill();
        await burst;

        await deployment.StartBackupServerAsync();
        // Restart the silo too so every entry must come back from the backup server's files.
        deployment.Silo!.Kill();
        await deployment.StartSiloAsync();
        using var after = deployment.ClientFor(client);
        foreach (var (key, value) in acknowledged)
        {
            Assert.Equal(value, await after.GetStringAsync($"/v1/keys/{key}"));
        }

        var report = Buckets.Backup.Storage.BackupVerifier.VerifyDirectory(deployment.BackupDirectory);
        Assert.True(report.IsHealthy && report.Warnings.Count == 0, string.Join("\n", report.Problems.Concat(report.Warnings)));
        Assert.True(report.RecordCount > 0, "verify read no records");
    }

    [Fact]
    public async Task BucketAnswers503WhileTheBackupServerIsDownAndItsDataOnceBack()
    {
        await using var deployment = await Deployment.StartAsync(remoteBackup: true);
        var client = await deployment.NewBucketAsync();
        Assert.Equal(HttpStatusCode.Created, await Deployment.PutAsync(client, "saved", "precious"));
        await Deployment.WaitBackedUpAsync(client, BackupDeadline);

        deployment.BackupServer!.Kill();
        deployment.Silo!.Kill();
        await deployment.StartSiloAsync();
        using var after = deployment.ClientFor(client);

        using (var down = await after.GetAsync("/v1/keys/saved"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            Assert.NotNull(down.Headers.RetryAfter);
            Assert.Equal("application/problem+json", down.Content.Headers.ContentType?.MediaType);
        }

        using (var write = await after.PutAsync("/v1/keys/other", new StringContent("x")))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
        }

        await deployment.StartBackupServerAsync();
        var value = await Poll.UntilAsync(
            async () =>
            {
                using var response = await after.GetAsync("/v1/keys/saved");
                return response.IsSuccessStatusCode ? await response.Content.ReadAsStringAsync() : $"{(int)response.StatusCode}";
            },
            v => v == "precious",
            TimeSpan.FromSeconds(20),
            "the saved entry once the backup server is back");
        Assert.Equal("precious", value);
    }
}
