using System.Collections.Concurrent;

namespace Buckets.Grains.Backup;

/// <summary>
/// Silo-local set of buckets with changes the backup server has not acknowledged, so a pull visits
/// only those: idle buckets cost nothing. Only a bucket's own activation adds or removes its id,
/// which keeps marking and clearing free of races.
/// </summary>
public sealed class DirtyBuckets
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    public void Mark(string bucketId) => _ids.TryAdd(bucketId, 0);

    public void Clear(string bucketId) => _ids.TryRemove(bucketId, out _);

    /// <summary>A point-in-time copy, at most <paramref name="max"/> ids.</summary>
    public IReadOnlyList<string> Take(int max) => [.. _ids.Keys.Take(max)];
}
