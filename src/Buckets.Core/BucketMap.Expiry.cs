namespace Buckets.Core;

/// <summary>Active expiry: a min-heap of expiry times, drained in bounded slices.</summary>
public sealed partial class BucketMap
{
    // Overwrites leave stale heap items behind (checked and skipped when popped); past this factor
    // of the live entries the heap is rebuilt so it cannot grow without bound.
    private const int StaleHeapFactor = 2;
    private const int MinHeapForRebuild = 1024;

    // Items name a slot and the version written there, so a reused slot is never expired by mistake.
    // Created with the first expiring entry: most buckets never hold one.
    private PriorityQueue<(int Slot, long Version), long>? _expiryQueue;

    /// <summary>True when some entry carries an expiry (the grain only needs its timer then).</summary>
    public bool HasExpiringEntries => _expiryQueue is { Count: > 0 };

    /// <summary>The earliest expiry of a live entry, or <c>null</c> when none expires (stale heap items are dropped on the way).</summary>
    public DateTimeOffset? NextExpiry => OldestExpiry();

    /// <summary>Removes up to <paramref name="max"/> expired entries, earliest first; returns how many.</summary>
    public int ReclaimExpired(DateTimeOffset now, int max)
    {
        var nowTicks = now.UtcTicks;
        var removed = 0;
        while (removed < max && _expiryQueue is not null && _expiryQueue.TryPeek(out var item, out var expiresAt) && expiresAt <= nowTicks)
        {
            _expiryQueue.Dequeue();
            if (IsCurrent(item, expiresAt))
            {
                RemoveExpired(item.Slot, now);
                removed++;
            }
        }

        return removed;
    }

    private bool IsCurrent((int Slot, long Version) item, long expiresAt) =>
        item.Slot < _table.HighWater && _table.IsLive(item.Slot)
        && _table.Version(item.Slot) == item.Version && _table.ExpiresAtTicks(item.Slot) == expiresAt;

    private DateTimeOffset? OldestExpiry()
    {
        while (_expiryQueue is not null && _expiryQueue.TryPeek(out var item, out var expiresAt))
        {
            if (IsCurrent(item, expiresAt))
            {
                return new DateTimeOffset(expiresAt, TimeSpan.Zero);
            }

            _expiryQueue.Dequeue();
        }

        return null;
    }

    private void TrackExpiry(int slot, long version, long expiresAtTicks)
    {
        _expiryQueue ??= new();
        _expiryQueue.Enqueue((slot, version), expiresAtTicks);
        if (_expiryQueue.Count > MinHeapForRebuild && _expiryQueue.Count > StaleHeapFactor * _table.Count)
        {
            RebuildExpiryIndex();
        }
    }

    private void RebuildExpiryIndex()
    {
        _expiryQueue!.Clear();
        for (var slot = 0; slot < _table.HighWater; slot++)
        {
            if (_table.IsLive(slot) && _table.ExpiresAtTicks(slot) != 0)
            {
                _expiryQueue.Enqueue((slot, _table.Version(slot)), _table.ExpiresAtTicks(slot));
            }
        }
    }

    private void ClearExpiryIndex() => _expiryQueue = null;
}
