using System.Text;
using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>Key listing by prefix with a cursor.</summary>
public sealed partial class BucketMap
{
    private static readonly Comparer<byte[]> LargestKeyFirst =
        Comparer<byte[]>.Create((a, b) => EntryTable.KeyOf(b).SequenceCompareTo(EntryTable.KeyOf(a)));

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
        var largestFirst = new PriorityQueue<byte[], byte[]>(LargestKeyFirst);
        for (var slot = 0; slot < _table.HighWater; slot++)
        {
            if (!_table.IsLive(slot) || IsExpired(slot, nowTicks))
            {
                continue;
            }

            var data = _table.Data(slot);
            var key = EntryTable.KeyOf(data);
            if (!key.StartsWith(prefixBytes) || (afterBytes is not null && key.SequenceCompareTo(afterBytes) <= 0))
            {
                continue;
            }

            if (largestFirst.Count <= limit)
            {
                largestFirst.Enqueue(data, data);
            }
            else if (key.SequenceCompareTo(EntryTable.KeyOf(largestFirst.Peek())) < 0)
            {
                largestFirst.EnqueueDequeue(data, data);
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
            keys[i] = Encoding.UTF8.GetString(EntryTable.KeyOf(largestFirst.Dequeue()));
        }

        return new KeyPage(keys, more ? keys[^1] : null);
    }
}
