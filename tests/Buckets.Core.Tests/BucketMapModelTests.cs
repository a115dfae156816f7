using Buckets.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Buckets.Core.Tests;

/// <summary>Random operations against the map and against a plain dictionary model must agree.</summary>
public sealed class BucketMapModelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void RandomOperationsAgreeWithADictionaryModel(int seed)
    {
        var random = new Random(seed);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero));
        var map = new BucketMap(new LimitsOptions());
        var model = new Dictionary<string, (byte[] Value, long Version, DateTimeOffset? ExpiresAt)>(StringComparer.Ordinal);
        string[] keys = [.. Enumerable.Range(0, 300).Select(i => i % 7 == 0 ? $"ключ-{i}-🔑" : $"k{i}")];

        for (var step = 0; step < 20_000; step++)
        {
            var now = time.GetUtcNow();
            foreach (var expired in model.Where(e => e.Value.ExpiresAt <= now).Select(e => e.Key).ToList())
            {
                model.Remove(expired);
            }

            var key = keys[random.Next(keys.Length)];
            switch (random.Next(10))
            {
                case < 5:
                    var value = new byte[random.Next(0, 40)];
                    random.NextBytes(value);
                    DateTimeOffset? expiresAt = random.Next(4) == 0 ? now.AddSeconds(random.Next(1, 30)) : null;
                    var set = map.Set(key, value, expiresAt, null, false, now);
                    Assert.Equal(model.ContainsKey(key) ? WriteOutcome.Replaced : WriteOutcome.Created, set.Outcome);
                    model[key] = (value, set.Version, expiresAt);
                    break;
                case < 7:
                    var deleted = map.Delete(key, null, now);
                    Assert.Equal(model.Remove(key) ? WriteOutcome.Deleted : WriteOutcome.NotFound, deleted.Outcome);
                    break;
                case < 9:
                    var found = map.TryGet(key, now, out var entry);
                    Assert.Equal(model.TryGetValue(key, out var expected), found);
                    if (found)
                    {
                        Assert.Equal(expected.Value, entry.Value);
                        Assert.Equal(expected.Version, entry.Version);
                        Assert.Equal(expected.ExpiresAt, entry.ExpiresAt);
                    }

                    break;
                default:
                    time.Advance(TimeSpan.FromSeconds(random.Next(0, 5)));
                    map.ReclaimExpired(time.GetUtcNow(), random.Next(1, 20));
                    if (random.Next(4) == 0)
                    {
                        // A quiet bucket's trim must keep every lookup and the expiry heap valid.
                        map.TrimExcess();
                    }

                    break;
            }
        }

        var end = time.GetUtcNow();
        var live = model.Where(e => !(e.Value.ExpiresAt <= end)).ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal(live.Count, map.Measure(end).Entries);
        Assert.Equal(live.Sum(e => System.Text.Encoding.UTF8.GetByteCount(e.Key) + e.Value.Value.Length), map.StoredBytes);
        Assert.Equal(live.Keys.Order(StringComparer.Ordinal), map.LiveEntries(end).Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(live.Keys.OrderBy(k => System.Text.Encoding.UTF8.GetBytes(k), Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))), ListAll(map, end));
    }

    private static List<string> ListAll(BucketMap map, DateTimeOffset now)
    {
        var keys = new List<string>();
        string? after = null;
        do
        {
            var page = map.ListKeys("", after, 37, now);
            keys.AddRange(page.Keys);
            after = page.NextAfter;
        }
        while (after is not null);

        return keys;
    }
}
