using System.Collections.Concurrent;

namespace Buckets.Grains.Backup;

/// <summary>
/// Silo-local set of buckets with changes the backup server has not acknowledged, so a pull visits
/// only those: idle buckets cost nothing. Only a bucket's own activation adds or removes its id,
/// which keeps marking and clearing free of races. It also sums the bytes those changes take, which
/// the grains hold against <see cref="BucketGrainOptions.UnstoredBytesBudget"/>. Thread-safe.
/// </summary>
public sealed class DirtyBuckets
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);
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

    public bool Contains(string bucketId) => _ids.ContainsKey(bucketId);

    public void Mark(string bucketId) => _ids.TryAdd(bucketId, 0);

    public void Clear(string bucketId) => _ids.TryRemove(bucketId, out _);

    /// <summary>A point-in-time copy, at most <paramref name="max"/> ids.</summary>
    public IReadOnlyList<string> Take(int max) => [.. _ids.Keys.Take(max)];
}
