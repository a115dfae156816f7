
namespace Buckets.Core.Tests;

public sealed class BucketMapListingTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void PagingVisitsEveryMatchingKeyOnceInOrdinalOrder()
    {
        var map = new BucketMap(new LimitsOptions());
        var keys = Enumerable.Range(0, 57).Select(i => $"user/{i * 7919 % 1000:D4}").Concat(["other", "user", "users"]).ToList();
        foreach (var key in keys)
        {
            map.Set(key, [1], null, null, false, Now);
        }

        var seen = new List<string>();
        string? after = null;
        do
        {
            var page = map.ListKeys("user/", after, 10, Now);
            Assert.True(page.Keys.Count <= 10);
            seen.AddRange(page.Keys);
            after = page.NextAfter;
        }
        while (after is not null);

        var expected = keys.Where(k => k.StartsWith("user/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, seen);
    }

    [Fact]
    public void LastPageHasNoCursor()
    {
        var map = new BucketMap(new LimitsOptions());
        map.Set("a", [1], null, null, false, Now);
        map.Set("b", [1], null, null, false, Now);

        var page = map.ListKeys("", null, 2, Now);

        Assert.Equal(["a", "b"], page.Keys);
        Assert.Null(page.NextAfter);
    }
}
