namespace Buckets.Core.Tests;

public class BoundedCacheTests
{
    [Fact]
    public void EntriesAreFoundByStringAndBySpan()
    {
        var cache = new BoundedCache<int>(4);
        cache.Add("alpha", 1);

        Assert.True(cache.TryGet("alpha", out var byString));
        Assert.Equal(1, byString);
        Assert.True(cache.TryGet("xalphax".AsSpan(1, 5), out var bySpan));
        Assert.Equal(1, bySpan);
        Assert.False(cache.TryGet("beta", out _));
    }

    [Fact]
    public void AddingPastTheCapacityDropsEverythingHeldBefore()
    {
        var cache = new BoundedCache<int>(3);
        for (var i = 0; i < 3; i++)
        {
            cache.Add($"k{i}", i);
        }

        Assert.True(cache.TryGet("k0", out _));
        cache.Add("k3", 3);

        Assert.False(cache.TryGet("k0", out _));
        Assert.False(cache.TryGet("k2", out _));
        Assert.True(cache.TryGet("k3", out var kept));
        Assert.Equal(3, kept);
    }
}
