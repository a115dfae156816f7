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
            await SetRandomAsync(bucket, expected, i, i % 97 == 0 ? 9000 : i % 31 == 0 ? 8100 : 1 + (i % 40), expires: i % 3 == 0);
        }

        // Replaced and removed entries leave dead bytes and spare slots for the trim to give back.
        for (var i = 0; i < Entries; i += 2)
        {
            if (i % 4 == 0)
            {
                await bucket.DeleteAsync(Key(i), null);
                expected.Remove(Key(i));
            }
            else
            {
                await SetRandomAsync(bucket, expected, i, 2 + (i % 60), expires: false);
            }
        }

        await Task.Delay(Quiet, TestContext.Current.CancellationToken);
        await AssertHoldsAsync(bucket, expected);

        // After the trim the table grows again from its exact size.
        for (var i = Entries; i < Entries + 500; i++)
        {
            await SetRandomAsync(bucket, expected, i, 1 + (i % 50), expires: false);
        }

        await Task.Delay(Quiet, TestContext.Current.CancellationToken);
        await AssertHoldsAsync(bucket, expected);
        Assert.Null(await bucket.GetAsync(Key(0)));
    }

    private static string Key(int i) => "k" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="size"/> random bytes under key <paramref name="i"/> (an hour's TTL when <paramref name="expires"/>) and records what the bucket must hold.</summary>
    private static async Task SetRandomAsync(IBucketGrain bucket, Dictionary<string, (byte[] Value, long Version, bool Expires)> expected, int i, int size, bool expires)
    {
        var value = new byte[size];
        Random.Shared.NextBytes(value);
        var result = await bucket.SetAsync(new SetCommand(Key(i), value, TtlSeconds: expires ? 3600 : null));
        expected[Key(i)] = (value, result.Version, expires);
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
