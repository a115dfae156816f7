using Buckets.Abstractions;
using Buckets.Core;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Core.Internal;

namespace Buckets.Grains.Tests;

/// <summary>
/// A bucket lists its map for direct reads on the silo it is active on, exactly while a direct read
/// answers as a grain call would (serving, not critical, not leaving).
/// </summary>
[Collection(SharedCluster.Name)]
public sealed class DirectReadsTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private List<DirectReads> EverySilo => [.. fixture.Cluster.Silos.Select(silo => silo.ServiceProvider.GetRequiredService<DirectReads>())];

    [Fact]
    public async Task AStandardBucketIsReadDirectlyOnItsOwnSiloOnlyACriticalOneNeverAndALeavingOneNoMore()
    {
        var id = "direct-" + Guid.NewGuid().ToString("N");
        var bucket = fixture.Grains.GetGrain<IBucketGrain>(id);
        await bucket.SetAsync(new SetCommand("k", [1, 2]));
        var second = await bucket.SetAsync(new SetCommand("k", [3]));

        var value = Assert.Single(ReadEverywhere(id, "k"));
        Assert.Equal([3], value!.Value);
        Assert.Equal(second.Version, value.Version);

        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Critical, null));
        Assert.Empty(ReadEverywhere(id, "k"));
        Assert.Equal([3], (await bucket.GetAsync("k"))!.Value);

        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Standard, null));
        Assert.Equal([3], Assert.Single(ReadEverywhere(id, "k"))!.Value);

        await bucket.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        await fixture.WaitDeactivatedAsync(id, "a bucket asked to deactivate", Deadline);
        Assert.Empty(ReadEverywhere(id, "k"));

        // The next activation loads the bucket from its backup and lists itself once it serves.
        Assert.Equal([3], (await bucket.GetAsync("k"))!.Value);
        Assert.Equal([3], Assert.Single(ReadEverywhere(id, "k"))!.Value);
    }

    [Fact]
    public async Task AnExpiredEntryIsNeverReadDirectly()
    {
        var id = "direct-expiry-" + Guid.NewGuid().ToString("N");
        var bucket = fixture.Grains.GetGrain<IBucketGrain>(id);
        await bucket.SetAsync(new SetCommand("short", [7], TtlSeconds: 1));
        Assert.Single(ReadEverywhere(id, "short"));

        await Task.Delay(TimeSpan.FromMilliseconds(1100), TestContext.Current.CancellationToken);

        // Either still stored (a direct read leaves it to the bucket) or reclaimed by the sweep: never served.
        Assert.All(ReadEverywhere(id, "short"), Assert.Null);
        Assert.Null(await bucket.GetAsync("short"));
        // Reclaimed now (by the read or the sweep): a direct read finds nothing and says so itself.
        Assert.Equal([null], ReadEverywhere(id, "short"));
    }

    /// <summary>What every silo that could read <paramref name="key"/> directly read.</summary>
    private List<BucketValue?> ReadEverywhere(string id, string key)
    {
        var values = new List<BucketValue?>();
        foreach (var reads in EverySilo)
        {
            if (reads.TryRead(id, key, out var value))
            {
                values.Add(value);
            }
        }

        return values;
    }
}
