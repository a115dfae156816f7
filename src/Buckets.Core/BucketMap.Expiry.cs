namespace Buckets.Core;

/// <summary>Active expiry: a min-heap of expiry times, drained in bounded slices.</summary>
public sealed partial class BucketMap
{
    // Overwrites leave stale heap items behind (checked and skipped when popped); past this factor
    // of the live expiring entries the heap is rebuilt so it cannot grow without bound.
    private const int StaleHeapFactor = 2;
    private const int MinHeapForRebuild = 1024;

    private readonly PriorityQueue<string, long> _expiryQueue = new();

    /// <summary>True when some entry carries an expiry (the grain only needs its timer then).</summary>
    public bool HasExpiringEntries => _expiryQueue.Count > 0;

    /// <summary>Removes up to <paramref name="max"/> expired entries, earliest first; returns how many.</summary>
    public int ReclaimExpired(DateTimeOffset now, int max)
    {
        var nowTicks = now.UtcTicks;
        var removed = 0;
        while (removed < max && _expiryQueue.TryPeek(out var key, out var expiresAt) && expiresAt <= nowTicks)
        {
            _expiryQueue.Dequeue();
            if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAtTicks == expiresAt)
            {
                RemoveExpired(key, entry);
                removed++;
            }
        }

        return removed;
    }

    private DateTimeOffset? OldestExpiry()
    {
        while (_expiryQueue.TryPeek(out var key, out var expiresAt))
        {
            if (_entries.TryGetValue(key, out var entry) && entry.ExpiresAtTicks == expiresAt)
            {
                return entry.ExpiresAt;
            }

            _expiryQueue.Dequeue();
        }

        return null;
    }

    private void TrackExpiry(string key, long expiresAtTicks)
    {
        _expiryQueue.Enqueue(key, expiresAtTicks);
        if (_expiryQueue.Count > MinHeapForRebuild && _expiryQueue.Count > StaleHeapFactor * _entries.Count)
        {
            RebuildExpiryIndex();
        }
    }

    private void RebuildExpiryIndex()
    {
        _expiryQueue.Clear();
        foreach (var (key, entry) in _entries)
        {
            if (entry.ExpiresAtTicks != 0)
            {
                _expiryQueue.Enqueue(key, entry.ExpiresAtTicks);
            }
        }
    }

    private void ClearExpiryIndex() => _expiryQueue.Clear();
}
