using Buckets.Abstractions;

namespace Buckets.Grains.Tests;

/// <summary>A one-silo cluster whose buckets trim their map after 100 ms without a change.</summary>
public sealed class QuickTrimClusterFixture : ClusterFixture
{
    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Buckets:Grain:TrimDelay"] = "00:00:00.100",
    };
}

public sealed class QuietTrimTests(QuickTrimClusterFixture fixture) : IClassFixture<QuickTrimClusterFixture>
{
    private const int Entries = 3000;

    // Several trim periods: the timer sees one period with a change, then trims on the next.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(600);

    [Fact]
    public async Task AQuietBucketKeepsEveryEntryVersionAndExpiryThroughItsTrimAndGrowsAgainAfterIt()
    {
        var bucket = fixture.Grains.GetGrain<IBucketGrain>("trim-" + Guid.NewGuid().ToString("N"));
        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Cache, null));
        var expected = new Dictionary<string, (byte[] Value, long Version, bool Expires)>();
        for (var i = 0; i < Entries; i++)
        {
            // Sizes across the arena's bounds: small, near a shared chunk's own-chunk limit, and above it.
            var value = new byte[i % 97 == 0 ? 9000 : i % 31 == 0 ? 8100 : 1 + (i % 40)];
            Random.Shared.NextBytes(value);
            var key = "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var result = await bucket.SetAsync(new SetCommand(key, value, TtlSeconds: i % 3 == 0 ? 3600 : null));
            expected[key] = (value, result.Version, i % 3 == 0);
        }

        // Replaced and removed entries leave dead bytes and spare slots for the trim to give back.
        for (var i = 0; i < Entries; i += 2)
        {
            var key = "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (i % 4 == 0)
            {
                await bucket.DeleteAsync(key, null);
                expected.Remove(key);
            }
            else
            {
                var value = new byte[2 + (i % 60)];
                Random.Shared.NextBytes(value);
                var result = await bucket.SetAsync(new SetCommand(key, value));
                expected[key] = (value, result.Version, false);
            }
        }

        await Task.Delay(Quiet, TestContext.Current.CancellationToken);
        await AssertHoldsAsync(bucket, expected);

        // After the trim the table grows again from its exact size.
        for (var i = Entries; i < Entries + 500; i++)
        {
            var key = "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var value = new byte[1 + (i % 50)];
            Random.Shared.NextBytes(value);
            var result = await bucket.SetAsync(new SetCommand(key, value));
            expected[key] = (value, result.Version, false);
        }

        await Task.Delay(Quiet, TestContext.Current.CancellationToken);
        await AssertHoldsAsync(bucket, expected);
        Assert.Null(await bucket.GetAsync("k0"));
    }

    private static async Task AssertHoldsAsync(IBucketGrain bucket, Dictionary<string, (byte[] Value, long Version, bool Expires)> expected)
    {
        Assert.Equal(expected.Count, (await bucket.GetStatsAsync()).Entries);
        foreach (var (key, entry) in expected)
        {
            var stored = await bucket.GetAsync(key);
            Assert.NotNull(stored);
            Assert.Equal(entry.Value, stored.Value);
            Assert.Equal(entry.Version, stored.Version);
            Assert.Equal(entry.Expires, stored.ExpiresAt is not null);
        }
    }
}
