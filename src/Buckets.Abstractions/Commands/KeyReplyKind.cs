namespace Buckets.Abstractions.Commands;

/// <summary>The shape of a <see cref="KeyReply"/>.</summary>
public enum KeyReplyKind
{
    /// <summary>The "OK" status.</summary>
    Ok,

    /// <summary>A short status word in <c>Bytes</c> (TYPE's "string").</summary>
    Status,

    /// <summary>Nothing (an absent key, a condition not met).</summary>
    Null,

    /// <summary>A signed 64-bit integer (Redis integer reply).</summary>
    Number,

    /// <summary>Bytes.</summary>
    Bulk,

    /// <summary>A list of replies.</summary>
    Array,

    /// <summary>The command failed; nothing it would have changed changed.</summary>
    Error,
}
