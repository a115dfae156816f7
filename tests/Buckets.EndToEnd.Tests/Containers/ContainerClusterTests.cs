using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Buckets.Contracts.Http;
using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests.Containers;

/// <summary>
/// The product's images, built from their Dockerfiles, run as the Cluster profile: a backup server
/// and three silos as containers on 127.0.0.1 under the manifests' security settings, PostgreSQL on
/// the host. What docs/reliability.md promises is checked across a <c>docker kill</c> of a silo and
/// then of the backup server.
/// </summary>
[Trait("Category", "Container")]
public sealed partial class ContainerClusterTests : IClassFixture<ContainerImages>
{
    private const int Silos = 3;
    private const int EntriesPerBucket = 10;
    private static readonly string[] Durabilities = ["cache", "standard", "critical"];
    private static readonly TimeSpan BackedUpDeadline = TimeSpan.FromSeconds(30);
    // Orleans declares the killed silo dead and recovers its directory ranges (about 23 s measured).
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ImagesRunAsTheUserTheManifestsState()
    {
        foreach (var (image, security) in new[] { (Docker.ServerImage, ContainerCluster.SiloSecurity), (Docker.BackupServerImage, ContainerCluster.BackupSecurity) })
        {
            var user = await Docker.RunAsync("image", "inspect", "--format", "{{.Config.User}}", image);
            Assert.Equal(security.RunAsUser.ToString(CultureInfo.InvariantCulture), user.Split(':')[0]);
            var size = long.Parse(await Docker.RunAsync("image", "inspect", "--format", "{{.Size}}", image), CultureInfo.InvariantCulture);
            TestContext.Current.TestOutputHelper?.WriteLine($"{image}: {size / 1_000_000} MB");
        }
    }

    [Fact]
    public async Task ClusterFromTheImagesKeepsWhatTheReliabilityDocumentPromises()
    {
        await using var cluster = await ContainerCluster.StartAsync(Silos);
        try
        {
            await RunScenarioAsync(cluster);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"{e.Message}{Environment.NewLine}container logs:{Environment.NewLine}{await cluster.LogsAsync()}", e);
        }
    }

    private static async Task RunScenarioAsync(ContainerCluster cluster)
    {
        var output = TestContext.Current.TestOutputHelper;
        var buckets = new List<ContainerBucket>();
        foreach (var silo in Enumerable.Range(0, Silos))
        {
            foreach (var durability in Durabilities)
            {
                buckets.Add(await NewBucketAsync(cluster.Silo(silo), durability, silo));
            }
        }

        foreach (var bucket in buckets)
        {
            for (var i = 0; i < EntriesPerBucket; i++)
            {
                Assert.True((await bucket.PutAsync(cluster.Silo(bucket.WrittenThrough), Deployment.Key(i), Value(bucket, i, "before"))).IsAcknowledged(), $"write to {bucket}");
            }
        }

        // A start and these requests: the log holds only what an operator wants to read.
        LogLines.AssertReadable(await cluster.LogsAsync());

        // Each bucket lives on one silo; every silo serves every bucket.
        foreach (var bucket in buckets)
        {
            foreach (var silo in cluster.LiveSilos)
            {
                bucket.AssertHolds(await bucket.TryReadAsync(cluster.Silo(silo), ReadTimeout), $"through silo{silo}");
            }
        }

        foreach (var bucket in buckets.Where(b => b.Durability != "cache"))
        {
            await bucket.WaitBackedUpAsync(cluster.Silo(0), BackedUpDeadline);
        }

        // A silo dies: critical and standard (stored before the kill) lose nothing; a cache bucket is
        // whole if it lived elsewhere and empty if it lived on the killed silo, never half.
        await cluster.KillSiloAsync(1);
        var recovered = System.Diagnostics.Stopwatch.StartNew();
        var survivors = cluster.LiveSilos.ToList();
        foreach (var bucket in buckets)
        {
            foreach (var silo in survivors)
            {
                var entries = await Poll.UntilAsync(
                    () => bucket.TryReadAsync(cluster.Silo(silo), ReadTimeout), e => e is not null, RecoveryDeadline, $"{bucket} to answer through silo{silo}");
                if (bucket.Durability == "cache")
                {
                    Assert.True(entries!.Count == 0 || entries.Count == bucket.Acknowledged.Count, $"{bucket} came back with {entries.Count} of {bucket.Acknowledged.Count} entries");
                    Assert.All(entries, e => Assert.Equal(bucket.Acknowledged[e.Key], e.Value));
                    bucket.Acknowledged.Clear();
                    foreach (var (key, value) in entries)
                    {
                        bucket.Acknowledged[key] = value;
                    }
                }
                else
                {
                    bucket.AssertHolds(entries, $"through silo{silo} after silo1 was killed");
                }
            }
        }

        output?.WriteLine($"every bucket answered through every surviving silo {recovered.Elapsed.TotalSeconds:F1} s after the kill");
        await cluster.StartSiloAsync(1);

        // The backup server dies: buckets keep serving from memory, a critical write is refused, a
        // standard write is taken and stored once it is back.
        await cluster.KillBackupServerAsync();
        foreach (var bucket in buckets.Where(b => b.Durability != "cache"))
        {
            bucket.AssertHolds(await bucket.TryReadAsync(cluster.Silo(0), ReadTimeout), "through silo0 while the backup server is down");
            var value = Value(bucket, 0, "during");
            var (status, answer) = await bucket.PutWithAnswerAsync(cluster.Silo(bucket.WrittenThrough == 1 ? 0 : bucket.WrittenThrough), "while-backup-down", value);
            if (bucket.Durability == "critical")
            {
                // Refused as not durable, with a problem saying so; the change may already be applied
                // in memory (and stored once the backup server is back), so it may show up later.
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.Contains("durable", answer, StringComparison.Ordinal);
                bucket.Unconfirmed["while-backup-down"] = value;
            }
            else
            {
                Assert.True(status.IsAcknowledged(), $"a standard write while the backup server is down answered {status}: {answer}");
            }
        }

        await cluster.RestartBackupServerAsync();
        foreach (var bucket in buckets.Where(b => b.Durability == "critical"))
        {
            await Poll.UntilAsync(
                () => bucket.PutAsync(cluster.Silo(0), "after-backup-back", Value(bucket, 0, "after")), s => s.IsAcknowledged(), BackedUpDeadline, $"{bucket} to take critical writes again");
        }

        foreach (var bucket in buckets.Where(b => b.Durability != "cache"))
        {
            await bucket.WaitBackedUpAsync(cluster.Silo(0), BackedUpDeadline);
            bucket.AssertHolds(await bucket.TryReadAsync(cluster.Silo(2), ReadTimeout), "through silo2 once the backup server is back");
        }

        foreach (var (name, time) in cluster.StartTimes)
        {
            output?.WriteLine($"{name}: ready {time.TotalSeconds:F1} s after docker run/start");
        }

        // At rest, the volume holds plain-English lines with every acknowledged value, and verifies clean.
        await Docker.RunAsync("stop", cluster.BackupServer!.ContainerName);
        AssertPlainEnglish(cluster.BackupDirectory, buckets.Where(b => b.Durability != "cache"));
        var (exitCode, verified, errors) = await Cli.RunAsync("verify", cluster.BackupDirectory);
        Assert.True(exitCode == 0, $"buckets verify exited {exitCode}:\n{verified}\n{errors}");
    }

    private static async Task<ContainerBucket> NewBucketAsync(ContainerService silo, string durability, int index)
    {
        using var admin = silo.CreateClient(Deployment.AdminToken);
        using var minted = await admin.PostAsJsonAsync("/admin/keys", new MintKeyRequest(null));
        Assert.True(minted.IsSuccessStatusCode, $"mint through {silo.Name}: {(int)minted.StatusCode} {await minted.Content.ReadAsStringAsync()}");
        var key = (await minted.Content.ReadFromJsonAsync<MintKeyResponse>())!;
        using var client = silo.CreateClient(key.ApiKey);
        using var policy = await client.PutAsJsonAsync("/v1/bucket/policy", new BucketPolicyDto(durability, null));
        Assert.True(policy.IsSuccessStatusCode, $"policy {durability} through {silo.Name}: {(int)policy.StatusCode} {await policy.Content.ReadAsStringAsync()}");
        return new ContainerBucket(key.Id, key.ApiKey, durability, index);
    }

    private static string Value(ContainerBucket bucket, int i, string phase) =>
        string.Create(CultureInfo.InvariantCulture, $"{bucket.Durability} value {i} written {phase} the crashes");

    /// <summary>
    /// Every line of every Englang file is a dated English sentence with its checksum, and each
    /// acknowledged value of <paramref name="buckets"/> is written out in one of them.
    /// </summary>
    private static void AssertPlainEnglish(string directory, IEnumerable<ContainerBucket> buckets)
    {
        var files = Directory.EnumerateFiles(directory, "*.englang", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);
        var lines = files.SelectMany(File.ReadLines).ToList();
        Assert.All(lines, line => Assert.Matches(EnglangLine(), line));
        foreach (var bucket in buckets)
        {
            foreach (var (key, value) in bucket.Acknowledged)
            {
                var set = $"bucket {bucket.Id} set \"{key}\" to \"{value}\"";
                var held = $"bucket {bucket.Id} held \"{key}\" as \"{value}\"";
                Assert.True(lines.Any(l => l.Contains(set, StringComparison.Ordinal) || l.Contains(held, StringComparison.Ordinal)), $"no line of {directory} says: {set}");
            }
        }
    }

    [GeneratedRegex(@"^On \d{4}-\d{2}-\d{2} at \d{2}:\d{2}:\d{2}\.\d{3} UTC, [^\x00-\x1f]+\. \[crc [0-9a-f]{8}\]$")]
    private static partial Regex EnglangLine();
}
