using Buckets.Backup.Storage;

namespace Buckets.Backup.Cluster;

/// <summary>
/// How long each replica of a bucket has been behind the newest (writer epoch, last change) its peers
/// hold, for the sweep's grace period: a replica is behind for as long as it has not reached the version
/// that was newest when it was first seen behind (so one that keeps up under a steady write load, always
/// a little behind, is never taken for stuck). Memory is bounded: entries of buckets a whole sweep did not
/// touch are forgotten, and at most <see cref="MaxEntries"/> are kept. Not thread-safe on its own: the
/// sweep calls it under its lock.
/// </summary>
public sealed class CatchUpClock
{
    /// <summary>Replicas tracked at most; past it the oldest half is forgotten (they are seen again next sweep).</summary>
    public const int MaxEntries = 100_000;

    private readonly Dictionary<(string Bucket, string Server), Entry> _behind = [];
    private long _round;

    /// <summary>Replicas tracked now.</summary>
    public int Count => _behind.Count;

    /// <summary>Records that <paramref name="server"/> holds <paramref name="held"/> while <paramref name="newest"/> exists; returns how long it has been behind.</summary>
    public TimeSpan Behind(string bucket, string server, ReplicaPosition held, ReplicaPosition newest, DateTimeOffset now)
    {
        if (_behind.TryGetValue((bucket, server), out var entry) && held < entry.Target)
        {
            _behind[(bucket, server)] = entry with { Round = _round };
            return now - entry.Since;
        }

        if (_behind.Count >= MaxEntries)
        {
            foreach (var key in _behind.OrderBy(e => e.Value.Since).Take(_behind.Count / 2).Select(e => e.Key).ToList())
            {
                _behind.Remove(key);
            }
        }

        _behind[(bucket, server)] = new Entry(now, newest, _round);
        return TimeSpan.Zero;
    }

    /// <summary>The replica is not behind (or no longer tracked for this bucket).</summary>
    public void Caught(string bucket, string server) => _behind.Remove((bucket, server));

    /// <summary>Forgets the replicas no check touched since the previous call (their buckets are gone or no longer behind), and starts a new round.</summary>
    public void EndRound()
    {
        foreach (var key in _behind.Where(e => e.Value.Round < _round).Select(e => e.Key).ToList())
        {
            _behind.Remove(key);
        }

        _round++;
    }

    private sealed record Entry(DateTimeOffset Since, ReplicaPosition Target, long Round);
}
