using System.Text;
using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>Key listing by prefix with a cursor.</summary>
public sealed partial class BucketMap
{
    /// <summary>
    /// Lists live keys with <paramref name="prefix"/> sorting after <paramref name="after"/>, in UTF-8
    /// byte order (which is Unicode code point order, as Redis sorts). One pass over the map keeping
    /// the <paramref name="limit"/> smallest candidates in a heap: O(n log limit) time and no
    /// per-entry index, because memory per entry matters more than listing speed.
    /// </summary>
    public KeyPage ListKeys(string prefix, string? after, int limit, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var afterBytes = after is null ? null : Encoding.UTF8.GetBytes(after);
        var nowTicks = now.UtcTicks;
        // Candidates are slots (the map does not change during the pass), ordered by their keys.
        var largestFirst = new PriorityQueue<int, int>(Comparer<int>.Create((a, b) => _table.Key(b).SequenceCompareTo(_table.Key(a))));
        for (var slot = 0; slot < _table.HighWater; slot++)
        {
            if (!_table.IsLive(slot) || IsExpired(slot, nowTicks))
            {
                continue;
            }

            var key = _table.Key(slot);
            if (!key.StartsWith(prefixBytes) || (afterBytes is not null && key.SequenceCompareTo(afterBytes) <= 0))
            {
                continue;
            }

            if (largestFirst.Count <= limit)
            {
                largestFirst.Enqueue(slot, slot);
            }
            else if (key.SequenceCompareTo(_table.Key(largestFirst.Peek())) < 0)
            {
                largestFirst.EnqueueDequeue(slot, slot);
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
            keys[i] = Encoding.UTF8.GetString(_table.Key(largestFirst.Dequeue()));
        }

        return new KeyPage(keys, more ? keys[^1] : null);
    }
}
