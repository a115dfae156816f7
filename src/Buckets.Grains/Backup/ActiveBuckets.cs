using System.Collections.Concurrent;

namespace Buckets.Grains.Backup;

/// <summary>
/// Silo-local set of the buckets active on this silo, so news that concerns every one of them (a
/// backup server that lost its disk) reaches each without activating any other. Only a bucket's own
/// activation adds or removes its id. Thread-safe.
/// </summary>
public sealed class ActiveBuckets
{
    private readonly ConcurrentDictionary<string, byte> _ids = new(StringComparer.Ordinal);

    public int Count => _ids.Count;

    public void Add(string bucketId) => _ids[bucketId] = 0;

    public void Remove(string bucketId) => _ids.TryRemove(bucketId, out _);

    /// <summary>A point-in-time copy of the ids.</summary>
    public IReadOnlyList<string> Snapshot() => [.. _ids.Keys];
}
