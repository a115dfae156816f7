using Buckets.Abstractions.Commands;

namespace Buckets.Resp.Commands;

/// <summary>A RESP command read as a bucket command, or the reply it gets without one (a syntax error).</summary>
/// <param name="Command">What the bucket runs, or <c>null</c>.</param>
/// <param name="Immediate">The reply when no bucket command runs.</param>
/// <param name="Shape">How the bucket's reply becomes the RESP reply.</param>
internal readonly record struct KeyCommandTranslation(KeyCommand? Command, KeyReply? Immediate, ReplyShape Shape = ReplyShape.AsIs);

/// <summary>How a bucket's reply becomes the RESP reply of the command that asked.</summary>
internal enum ReplyShape
{
    /// <summary>The reply as the bucket gave it.</summary>
    AsIs,

    /// <summary>SETNX: "OK" is 1, null is 0.</summary>
    OkAsOne,
}
