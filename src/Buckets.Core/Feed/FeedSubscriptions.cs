using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Buckets.Core.Feed;

/// <summary>
/// The open change streams of this silo (SSE and RESP subscriptions), bounded per bucket and in all
/// (<see cref="ChangeFeedOptions.SubscribersPerBucket"/>, <see cref="ChangeFeedOptions.SubscribersPerSilo"/>).
/// Thread-safe; a bucket nobody follows has no entry.
/// </summary>
public sealed class FeedSubscriptions(IOptions<ChangeFeedOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _perBucket = new(StringComparer.Ordinal);
    private readonly ChangeFeedOptions _options = options.Value;
    private int _total;

    /// <summary>Open streams on this silo.</summary>
    public int Count => Volatile.Read(ref _total);

    /// <summary>Takes a place for one stream of <paramref name="bucketId"/>; <c>null</c> with the reason when a bound is reached. Dispose the lease when the stream ends.</summary>
    public IDisposable? TryOpen(string bucketId, out string? refusal)
    {
        if (Interlocked.Increment(ref _total) > _options.SubscribersPerSilo)
        {
            Interlocked.Decrement(ref _total);
            refusal = $"This server already serves {_options.SubscribersPerSilo} change streams (Buckets:Feed:SubscribersPerSilo); retry shortly or on another server.";
            return null;
        }

        var count = _perBucket.AddOrUpdate(bucketId, 1, (_, n) => n + 1);
        if (count > _options.SubscribersPerBucket)
        {
            Release(bucketId);
            refusal = $"This bucket already has {_options.SubscribersPerBucket} change streams on this server (Buckets:Feed:SubscribersPerBucket).";
            return null;
        }

        refusal = null;
        return new Lease(this, bucketId);
    }

    private void Release(string bucketId)
    {
        Interlocked.Decrement(ref _total);
        while (true)
        {
            var count = _perBucket.GetValueOrDefault(bucketId);
            if (count <= 1)
            {
                if (_perBucket.TryRemove(new KeyValuePair<string, int>(bucketId, count)))
                {
                    return;
                }
            }
            else if (_perBucket.TryUpdate(bucketId, count - 1, count))
            {
                return;
            }
        }
    }

    private sealed class Lease(FeedSubscriptions owner, string bucketId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Release(bucketId);
            }
        }
    }
}
