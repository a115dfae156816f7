namespace Buckets.Resp.Protocol;

/// <summary>The client sent bytes that are not RESP, or too many of them; answered <c>-ERR Protocol error: ...</c> and the connection closed.</summary>
public sealed class RespProtocolException : Exception
{
    public RespProtocolException(string message)
        : base(message)
    {
    }

    public RespProtocolException()
    {
    }

    public RespProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
