using System.Diagnostics;
using System.Text;
using Buckets.Abstractions;

namespace Buckets.Grains.Tests;

/// <summary>Each test gets its own cluster: it stops or kills a silo.</summary>
public sealed class SiloLossTests : IAsyncLifetime
{
    private const int Buckets = 30;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private readonly ClusterFixture _fixture = new();

    public ValueTask InitializeAsync() => _fixture.InitializeAsync();

    public ValueTask DisposeAsync() => _fixture.DisposeAsync();

    [Theory]
    [InlineData(Durability.Cache)]
    [InlineData(Durability.Standard)]
    [InlineData(Durability.Critical)]
    public async Task GracefulSiloStopHandsBucketsOverWithTheirState(Durability durability)
    {
        var buckets = await FillBucketsAsync(durability);

        await _fixture.Cluster.StopSiloAsync(_fixture.Cluster.Silos[1]);

        foreach (var (bucket, value) in buckets)
        {
            var read = await bucket.GetAsync("k");
            Assert.True(read is not null, $"{durability} bucket {bucket.GetPrimaryKeyString()} lost its entry in a graceful stop");
            Assert.Equal(value, Encoding.UTF8.GetString(read.Value));
        }
    }

    [Fact]
    public async Task BucketsOfAKilledSiloComeBackFromTheirBackup()
    {
        var buckets = await FillBucketsAsync(Durability.Standard);
        foreach (var (bucket, _) in buckets)
        {
            await WaitBackedUpAsync(bucket);
        }

        await _fixture.Cluster.KillSiloAsync(_fixture.Cluster.Silos[1]);

        foreach (var (bucket, value) in buckets)
        {
            var read = await bucket.GetAsync("k");
            Assert.True(read is not null, $"bucket {bucket.GetPrimaryKeyString()} lost a backed-up entry when its silo was killed");
            Assert.Equal(value, Encoding.UTF8.GetString(read.Value));
        }
    }

    private async Task<List<(IBucketGrain Bucket, string Value)>> FillBucketsAsync(Durability durability)
    {
        var buckets = new List<(IBucketGrain, string)>();
        for (var i = 0; i < Buckets; i++)
        {
            var bucket = _fixture.Grains.GetGrain<IBucketGrain>($"loss-{durability}-{i}-{Guid.NewGuid():N}".ToLowerInvariant());
            await bucket.SetPolicyAsync(new BucketPolicy(durability, null));
            var value = $"value of bucket {i}";
            Assert.True((await bucket.SetAsync(new SetCommand("k", Encoding.UTF8.GetBytes(value)))).Succeeded);
            buckets.Add((bucket, value));
        }

        return buckets;
    }

    private static async Task WaitBackedUpAsync(IBucketGrain bucket)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var stats = await bucket.GetStatsAsync();
            if (stats.Backup.PendingChanges == 0 && stats.Backup.AcknowledgedChange == stats.LastChange)
            {
                return;
            }

            Assert.True(clock.Elapsed < Deadline, $"bucket {bucket.GetPrimaryKeyString()} not backed up after {clock.Elapsed}: {stats.Backup}");
            await Task.Delay(50);
        }
    }
}
