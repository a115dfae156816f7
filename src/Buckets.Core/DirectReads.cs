using System.Collections.Concurrent;
using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>
/// The maps of buckets active on this silo that requests here may read without a grain call. A GET
/// is most of a cache's traffic and the call most of its cost (two thread hand-offs, the message and
/// its copies: measured in docs/benchmarks.md), so a bucket lists its map while a direct read gives
/// what a call would: it serves, and it is not critical (whose reads wait for the backup to confirm
/// the write before them, as a call queued behind that write does). It withdraws the map before any
/// of that stops being true, and the map refuses peeks from then on (<see cref="BucketMap.ShareReads"/>).
/// Reads also go through the bucket now and then, so a bucket read only here still counts as used
/// for idle collection (Orleans counts calls), also the early one under memory pressure. Thread-safe.
/// </summary>
public sealed class DirectReads
{
    // A bucket read only here is called at least this often per idle age, so it never looks idle.
    private const int CallsPerIdleAge = 2;

    private readonly ConcurrentDictionary<string, Listing> _listed = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly long _callEveryTicks;
    private readonly bool _enabled;

    /// <param name="enabled">False lists nothing: every read goes through its bucket.</param>
    /// <param name="idleAge">The least time without calls after which a bucket may be collected as idle (its idle timeout, or the shorter age memory pressure collects at).</param>
    /// <param name="time">The clock expiry is judged by.</param>
    public DirectReads(bool enabled, TimeSpan idleAge, TimeProvider time)
    {
        _time = time;
        _enabled = enabled;
        _callEveryTicks = (long)(idleAge.TotalSeconds / CallsPerIdleAge * time.TimestampFrequency);
    }

    /// <summary>Buckets listed now.</summary>
    public int Count => _listed.Count;

    /// <summary>
    /// Reads <paramref name="key"/> of a listed bucket: true with the entry, or <c>null</c> when it has
    /// none; false when the bucket itself must answer (not listed here, an expiry to record, a call due).
    /// </summary>
    public bool TryRead(string bucketId, string key, out BucketValue? value)
    {
        value = null;
        if (!_listed.TryGetValue(bucketId, out var listing) || _time.GetTimestamp() - listing.CalledAt > _callEveryTicks)
        {
            return false;
        }

        switch (listing.Map.Peek(key, _time.GetUtcNow(), out var entry))
        {
            case BucketMap.PeekOutcome.Found:
                value = new BucketValue(entry.Value, entry.Version, entry.ExpiresAt);
                return true;
            case BucketMap.PeekOutcome.Absent:
                return true;
            default:
                return false;
        }
    }

    /// <summary>Lists <paramref name="map"/> as bucket <paramref name="bucketId"/>'s, or withdraws it (<c>null</c>). Called by the owning bucket only.</summary>
    public void List(string bucketId, BucketMap? previous, BucketMap? map)
    {
        if (previous is not null)
        {
            // Closed first: a request that looked the listing up a moment ago then asks the bucket.
            previous.ShareReads(false);
            if (_listed.TryGetValue(bucketId, out var listed) && listed.Map == previous)
            {
                _listed.TryRemove(KeyValuePair.Create(bucketId, listed));
            }
        }

        if (map is not null && _enabled)
        {
            _listed[bucketId] = new Listing(map) { CalledAt = _time.GetTimestamp() };
            map.ShareReads(true);
        }
    }

    /// <summary>The bucket served a read itself: direct reads may go on for another interval. Called by the owning bucket only.</summary>
    public void Called(string bucketId)
    {
        if (_listed.TryGetValue(bucketId, out var listing))
        {
            listing.CalledAt = _time.GetTimestamp();
        }
    }

    private sealed class Listing(BucketMap map)
    {
        public BucketMap Map { get; } = map;

        // Written by the bucket, read by requests: a stale read only calls the bucket once more.
        public long CalledAt { get; set; }
    }
}
