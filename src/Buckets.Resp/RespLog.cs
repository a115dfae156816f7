using Microsoft.Extensions.Logging;

namespace Buckets.Resp;

/// <summary>Source-generated log messages of the Redis-protocol listener. Never a key's secret, never a value.</summary>
internal static partial class RespLog
{
    [LoggerMessage(8001, LogLevel.Information, "Redis protocol (RESP) listening on {Address}:{Port} (TLS: {Tls})")]
    public static partial void Listening(ILogger logger, string address, int port, bool tls);

    [LoggerMessage(8002, LogLevel.Debug, "RESP connection {ConnectionId} from {Remote} closed on a protocol error: {Problem}")]
    public static partial void ProtocolError(ILogger logger, long connectionId, string? remote, string problem);

    [LoggerMessage(8003, LogLevel.Warning, "RESP connection {ConnectionId} refused: {MaxConnections} connections are open (Buckets:Resp:MaxConnections)")]
    public static partial void TooManyConnections(ILogger logger, long connectionId, int maxConnections);

    [LoggerMessage(8004, LogLevel.Information, "RESP connection {ConnectionId} closed: its client did not read replies for {Timeout} (Buckets:Resp:ReplyTimeout)")]
    public static partial void ReplyTimeout(ILogger logger, long connectionId, TimeSpan timeout);

    [LoggerMessage(8005, LogLevel.Warning, "RESP commands of bucket {BucketId} failed in the grain call")]
    public static partial void BucketCallFailed(ILogger logger, string bucketId, Exception exception);

    [LoggerMessage(8006, LogLevel.Information, "RESP authentication failed from {Remote}")]
    public static partial void AuthenticationFailed(ILogger logger, string? remote);

    [LoggerMessage(8007, LogLevel.Warning, "RESP connection {ConnectionId} fell {Buffered} notifications behind its subscription; disconnected")]
    public static partial void SubscriberTooSlow(ILogger logger, long connectionId, int buffered);
}
