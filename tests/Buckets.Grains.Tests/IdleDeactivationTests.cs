using System.Diagnostics;
using Buckets.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Buckets.Grains.Tests;

/// <summary>A one-silo cluster whose buckets go idle after two seconds.</summary>
public sealed class ShortIdleClusterFixture : ClusterFixture
{
    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Buckets:Grain:IdleTimeout"] = "00:00:02",
    };
}

public sealed class IdleDeactivationTests(ShortIdleClusterFixture fixture) : IClassFixture<ShortIdleClusterFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task IdleBucketIsDeactivatedAndItsMemoryFreed()
    {
        var bucket = fixture.Grains.GetGrain<IBucketGrain>("idle-" + Guid.NewGuid().ToString("N"));
        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Cache, null));
        // An expiring entry registers the sweep timer; it must not keep the bucket alive.
        await bucket.SetAsync(new SetCommand("k", [1], TtlSeconds: 3600));
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var grainType = typeof(BucketGrain).FullName!;

        Assert.True(await CountActivationsAsync(management, grainType) >= 1);
        var clock = Stopwatch.StartNew();
        while (await CountActivationsAsync(management, grainType) > 0)
        {
            Assert.True(clock.Elapsed < Deadline, $"bucket still active after {clock.Elapsed} (idle timeout 2 s)");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        // A cache bucket has no backup: reactivation starts empty, proving the memory was dropped.
        Assert.Null(await bucket.GetAsync("k"));
    }

    [Fact]
    public async Task ABucketWrittenOnlyDirectlyIsNotIdle()
    {
        var id = "direct-busy-" + Guid.NewGuid().ToString("N");
        var bucket = fixture.Grains.GetGrain<IBucketGrain>(id);
        // A cache bucket comes back empty: had it been collected while written, its first keys would be gone.
        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Cache, null));
        var writes = fixture.Cluster.Silos[0].ServiceProvider.GetRequiredService<DirectWrites>();
        var (direct, called) = (0, 0);
        var clock = Stopwatch.StartNew();
        for (var i = 0; clock.Elapsed < TimeSpan.FromSeconds(5); i++)
        {
            var command = new SetCommand("k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), [1]);
            if (writes.TrySet(id, command) is { } pending && await pending is not null)
            {
                direct++;
            }
            else
            {
                // What a request does when the bucket asks for a call: the call is what counts as use.
                await bucket.SetAsync(command);
                called++;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Equal(direct + called, (await bucket.GetStatsAsync()).Entries);
        Assert.InRange(called, 2, direct / 4);
    }

    private static async Task<int> CountActivationsAsync(IManagementGrain management, string grainType)
    {
        var stats = await management.GetSimpleGrainStatistics();
        return stats.Where(s => s.GrainType.Contains(grainType, StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }
}
