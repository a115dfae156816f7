using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>Key listing by prefix with a cursor.</summary>
public sealed partial class BucketMap
{
    private static readonly Comparer<string> DescendingOrdinal = Comparer<string>.Create((a, b) => string.CompareOrdinal(b, a));

    /// <summary>
    /// Lists live keys with <paramref name="prefix"/> sorting after <paramref name="after"/>. One pass over
    /// the map keeping the <paramref name="limit"/> smallest candidates in a heap: O(n log limit) time
    /// and no per-entry index, because memory per entry matters more than listing speed.
    /// </summary>
    public KeyPage ListKeys(string prefix, string? after, int limit, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var nowTicks = now.UtcTicks;
        var largestFirst = new PriorityQueue<string, string>(DescendingOrdinal);
        foreach (var (key, entry) in _entries)
        {
            if (entry.IsExpiredAt(nowTicks)
                || !key.StartsWith(prefix, StringComparison.Ordinal)
                || (after is not null && string.CompareOrdinal(key, after) <= 0))
            {
                continue;
            }

            if (largestFirst.Count <= limit)
            {
                largestFirst.Enqueue(key, key);
            }
            else if (string.CompareOrdinal(key, largestFirst.Peek()) < 0)
            {
                largestFirst.EnqueueDequeue(key, key);
            }
        }

        var more = largestFirst.Count > limit;
        if (more)
        {
            largestFirst.Dequeue();
        }

        var keys = new string[largestFirst.Count];
        for (var i = keys.Length - 1; i >= 0; i--)
        {
            keys[i] = largestFirst.Dequeue();
        }

        return new KeyPage(keys, more ? keys[^1] : null);
    }
}
