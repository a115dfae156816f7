using Buckets.Abstractions;
using Buckets.Hosting.Security;
using Buckets.Resp.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Resp;

/// <summary>What every RESP connection of a silo shares: settings, the API-key check, the failed-authentication limiter, grains and the connection count.</summary>
public sealed class RespServer
{
    private readonly Core.GrainReferences<IBucketGrain> _grains;
    private long _nextId;
    private int _open;

    public RespServer(
        IOptions<RespOptions> options,
        IOptions<Core.LimitsOptions> limits,
        Core.GrainReferences<IBucketGrain> grains,
        IApiKeyValidator apiKeys,
        AuthFailureLimiter failures,
        IOptions<Core.Feed.ChangeFeedOptions> feed,
        Core.Feed.FeedSubscriptions subscriptions,
        Core.DirectReads directReads,
        TimeProvider time,
        ILogger<RespServer> logger)
    {
        Options = options.Value;
        _grains = grains;
        ApiKeys = apiKeys;
        Failures = failures;
        Feed = feed.Value;
        Subscriptions = subscriptions;
        DirectReads = directReads;
        MaxKeyBytes = limits.Value.MaxKeyBytes;
        Time = time;
        Logger = logger;
        // A bulk is a key or a value: the larger of the two limits bounds it.
        ParserLimits = new RespParserLimits(Options.MaxInlineBytes, Options.MaxArguments,
            Math.Max(limits.Value.MaxValueBytes, limits.Value.MaxKeyBytes), Options.MaxCommandBytes);
        StartedAt = time.GetUtcNow();
        MaxRun = Math.Min(Options.MaxPendingReplies, limits.Value.MaxBatchOperations);
    }

    public RespOptions Options { get; }

    /// <summary>The change feed's bounds, which SUBSCRIBE shares with <c>GET /v1/changes</c>.</summary>
    public Core.Feed.ChangeFeedOptions Feed { get; }

    /// <summary>This silo's open change streams (SSE and subscriptions).</summary>
    public Core.Feed.FeedSubscriptions Subscriptions { get; }

    public RespParserLimits ParserLimits { get; }

    /// <summary>Buckets active on this silo whose GETs need no grain call.</summary>
    public Core.DirectReads DirectReads { get; }

    public int MaxKeyBytes { get; }

    public IApiKeyValidator ApiKeys { get; }

    public AuthFailureLimiter Failures { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>Most commands of one grain call: the pending-reply bound, within what a bucket takes in one call (the batch limit).</summary>
    public int MaxRun { get; }

    /// <summary>Open connections now.</summary>
    public int OpenConnections => Volatile.Read(ref _open);

    public long NextConnectionId() => Interlocked.Increment(ref _nextId);

    /// <summary>Takes a connection slot; false when <see cref="RespOptions.MaxConnections"/> are open.</summary>
    public bool TryOpen()
    {
        if (Interlocked.Increment(ref _open) <= Options.MaxConnections)
        {
            return true;
        }

        Interlocked.Decrement(ref _open);
        return false;
    }

    public void Close() => Interlocked.Decrement(ref _open);

    public IBucketGrain Bucket(string bucketId) => _grains.Get(bucketId);
}
