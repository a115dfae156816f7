namespace Buckets.Resp.Commands;

/// <summary>A command's arguments are wrong; the message is the Redis error line it is answered with.</summary>
internal sealed class RespCommandError(string line) : Exception(line);
