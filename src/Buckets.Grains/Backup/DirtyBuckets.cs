using System.Collections.Concurrent;

namespace Buckets.Grains.Backup;

/// <summary>
/// Silo-local map of the buckets with changes some backup replica has not acknowledged, each with a
/// mask of those replicas (by their index in the silo's server list), so a pull visits only the
/// buckets that replica lacks changes of: idle buckets cost nothing. Only a bucket's own activation
/// adds or removes its id, which keeps marking and clearing free of races. It also sums the bytes
/// those changes take, which the grains hold against <see cref="BucketGrainOptions.UnstoredBytesBudget"/>. Thread-safe.
/// </summary>
public sealed class DirtyBuckets
{
    private readonly ConcurrentDictionary<string, ulong> _ids = new(StringComparer.Ordinal);
    private long _unstoredBytes;

    /// <summary>Estimated bytes of changes this silo's buckets hold that the backup server has not stored.</summary>
    public long UnstoredBytes => Interlocked.Read(ref _unstoredBytes);

    /// <summary>A bucket reports the change in its own share of <see cref="UnstoredBytes"/>.</summary>
    public void AddUnstoredBytes(long delta)
    {
        if (delta != 0)
        {
            Interlocked.Add(ref _unstoredBytes, delta);
        }
    }

    /// <summary>True when the replica at <paramref name="replica"/> lacks changes of the bucket.</summary>
    public bool Contains(string bucketId, int replica) => _ids.TryGetValue(bucketId, out var mask) && (mask & (1UL << replica)) != 0;

    /// <summary>Lists the bucket for the replicas in <paramref name="replicas"/> (a mask by server index), replacing its previous mask.</summary>
    public void Mark(string bucketId, ulong replicas) => _ids[bucketId] = replicas;

    public void Clear(string bucketId) => _ids.TryRemove(bucketId, out _);

    /// <summary>A point-in-time copy of at most <paramref name="max"/> ids of buckets the replica at <paramref name="replica"/> lacks changes of.</summary>
    public IReadOnlyList<string> Take(int max, int replica) =>
        [.. _ids.Where(pair => (pair.Value & (1UL << replica)) != 0).Select(pair => pair.Key).Take(max)];
}
