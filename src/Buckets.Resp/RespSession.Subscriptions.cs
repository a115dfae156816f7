using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Buckets.Abstractions;
using Buckets.Core;
using Buckets.Core.Feed;
using Buckets.Resp.Protocol;

namespace Buckets.Resp;

/// <summary>
/// SUBSCRIBE and PSUBSCRIBE to the bucket's keyspace notifications, as Redis clients expect them:
/// <c>__keyspace@0__:&lt;key&gt;</c> carries the event name, <c>__keyevent@0__:&lt;event&gt;</c> the key
/// (events: set, del, expire, persist, expired, flushdb). Unlike Redis they come from the bucket's
/// change feed: in order, expiries on time, across silo moves. A subscriber that falls
/// <c>Buckets:Feed:BufferedEventsPerSubscriber</c> events behind is disconnected, as Redis does
/// past its pub/sub output buffer limit. The pump writes messages between command replies under
/// <see cref="OutputLock"/>.
/// </summary>
internal sealed partial class RespSession : IDisposable
{
    private const string KeyspacePrefix = "__keyspace@0__:";
    private const string KeyeventPrefix = "__keyevent@0__:";

    private readonly HashSet<string> _channels = new(StringComparer.Ordinal);
    private readonly HashSet<string> _patterns = new(StringComparer.Ordinal);
    private ChangeFollower? _follower;
    private IDisposable? _feedLease;
    private Task? _pump;

    /// <summary>Held while replies or messages are written and flushed: the command loop and the subscription pump share the output.</summary>
    public SemaphoreSlim OutputLock { get; } = new(1, 1);

    /// <summary>Closes the connection (set by the handler): a subscriber too slow for its messages is dropped.</summary>
    public Action? Abort { get; set; }

    /// <summary>The output the pump writes messages to (set by the handler).</summary>
    public PipeWriter? Output { get; set; }

    private int SubscriptionCount => _channels.Count + _patterns.Count;

    /// <summary>In RESP2 a subscribed connection may only (un)subscribe, PING, QUIT or RESET.</summary>
    private bool InSubscribedMode => SubscriptionCount > 0 && _protocol < 3;

    private static bool AllowedWhileSubscribed(string name) =>
        name is "SUBSCRIBE" or "PSUBSCRIBE" or "UNSUBSCRIBE" or "PUNSUBSCRIBE" or "PING" or "QUIT" or "RESET";

    private async ValueTask SubscribeAsync(byte[][] args, bool patterns, IBufferWriter<byte> output)
    {
        if (args.Length < 2)
        {
            WrongArity(output, patterns ? "psubscribe" : "subscribe");
            return;
        }

        if (_follower is null && !await StartPumpAsync(output))
        {
            return;
        }

        var set = patterns ? _patterns : _channels;
        foreach (var arg in args[1..])
        {
            var channel = Encoding.UTF8.GetString(arg);
            set.Add(channel);
            Confirm(output, patterns ? "psubscribe" : "subscribe", channel, SubscriptionCount);
        }
    }

    private void Unsubscribe(byte[][] args, bool patterns, IBufferWriter<byte> output)
    {
        var set = patterns ? _patterns : _channels;
        var name = patterns ? "punsubscribe" : "unsubscribe";
        var channels = args.Length > 1 ? args[1..].Select(arg => Encoding.UTF8.GetString(arg)).ToList() : [.. set];
        if (channels.Count == 0)
        {
            Confirm(output, name, null, SubscriptionCount);
        }

        foreach (var channel in channels)
        {
            set.Remove(channel);
            Confirm(output, name, channel, SubscriptionCount);
        }

        if (SubscriptionCount == 0)
        {
            StopPump();
        }
    }

    private async ValueTask<bool> StartPumpAsync(IBufferWriter<byte> output)
    {
        _feedLease = server.Subscriptions.TryOpen(_bucketId!, out var refusal);
        if (_feedLease is null)
        {
            RespWriter.Error(output, "ERR " + refusal);
            return false;
        }

        long latest;
        try
        {
            // A read above any number answers the latest one: notifications start now, as in Redis.
            latest = (await _bucket!.ReadChangesAsync(long.MaxValue, 1, TimeSpan.Zero)).LastSeq;
        }
        catch (Exception e) when (e is BucketUnavailableException or TimeoutException or OrleansException)
        {
            _feedLease.Dispose();
            _feedLease = null;
            RespWriter.Error(output, "TRYAGAIN the bucket cannot be followed right now; retry shortly");
            return false;
        }

        _follower = new ChangeFollower(_bucket, latest, server.Feed, server.Time, CancellationToken.None);
        _pump = PumpAsync(_follower);
        return true;
    }

    private void StopPump()
    {
        if (_follower is { } follower)
        {
            _ = follower.DisposeAsync().AsTask();
        }

        _follower = null;
        _feedLease?.Dispose();
        _feedLease = null;
        _channels.Clear();
        _patterns.Clear();
    }

    /// <summary>Ends the subscription when the connection closes (the lock stays usable: a pump may still be finishing).</summary>
    public void Dispose() => StopPump();

    private async Task PumpAsync(ChangeFollower follower)
    {
        using var aborted = follower.Aborted.UnsafeRegister(_ => Abort?.Invoke(), null);
        while (true)
        {
            var (more, change) = await follower.NextAsync(CancellationToken.None);
            if (!more)
            {
                if (follower.End == FollowEnd.Overflow)
                {
                    RespLog.SubscriberTooSlow(server.Logger, id, server.Feed.BufferedEventsPerSubscriber);
                    Abort?.Invoke();
                }

                return;
            }

            if (change is null || EventName(change) is not { } name || Output is not { } output)
            {
                continue;
            }

            await OutputLock.WaitAsync();
            try
            {
                if (_follower != follower)
                {
                    return;
                }

                Publish(output, KeyspacePrefix + change.Key, name);
                Publish(output, KeyeventPrefix + name, change.Key);
                await output.FlushAsync();
            }
            finally
            {
                OutputLock.Release();
            }
        }
    }

    private void Publish(IBufferWriter<byte> output, string channel, string payload)
    {
        if (_channels.Contains(channel))
        {
            RespWriter.PushHeader(output, 3, _protocol);
            RespWriter.Bulk(output, "message");
            RespWriter.Bulk(output, channel);
            RespWriter.Bulk(output, payload);
        }

        if (_patterns.Count == 0)
        {
            return;
        }

        var utf8 = Encoding.UTF8.GetBytes(channel);
        foreach (var pattern in _patterns)
        {
            if (GlobPattern.IsMatch(Encoding.UTF8.GetBytes(pattern), utf8))
            {
                RespWriter.PushHeader(output, 4, _protocol);
                RespWriter.Bulk(output, "pmessage");
                RespWriter.Bulk(output, pattern);
                RespWriter.Bulk(output, channel);
                RespWriter.Bulk(output, payload);
            }
        }
    }

    private void Confirm(IBufferWriter<byte> output, string kind, string? channel, int count)
    {
        RespWriter.PushHeader(output, 3, _protocol);
        RespWriter.Bulk(output, kind);
        if (channel is null)
        {
            RespWriter.Null(output, _protocol);
        }
        else
        {
            RespWriter.Bulk(output, channel);
        }

        RespWriter.Number(output, count);
    }

    /// <summary>Redis's event name of a change; <c>null</c> for changes Redis has no notification for (policy, restore).</summary>
    private static string? EventName(BucketChange change) => change.Kind switch
    {
        ChangeKind.Set => "set",
        ChangeKind.Delete => "del",
        ChangeKind.Expire => change.ExpiresAt is null ? "persist" : "expire",
        ChangeKind.Expired => "expired",
        ChangeKind.Clear => "flushdb",
        _ => null,
    };
}
