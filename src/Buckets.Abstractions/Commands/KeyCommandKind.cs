namespace Buckets.Abstractions.Commands;

/// <summary>The operations of <see cref="KeyCommand"/>, with Redis 7 semantics; the fields each reads are named.</summary>
public enum KeyCommandKind
{
    /// <summary>The value of <c>Key</c>, or null.</summary>
    Get,

    /// <summary>Writes <c>Value</c> to <c>Key</c>: <c>IfAbsent</c>/<c>IfPresent</c>, <c>ReturnOld</c>, <c>KeepTtl</c>, an expiry or the bucket's default.</summary>
    Set,

    /// <summary>The value of <c>Key</c>, deleting it.</summary>
    GetDelete,

    /// <summary>The value of <c>Key</c>, giving it a new expiry (<c>RelativeMs</c>, <c>AtUnixMs</c>) or none (<c>Persist</c>).</summary>
    GetExpire,

    /// <summary>How many of <c>Keys</c> are live (a key named twice counts twice).</summary>
    Exists,

    /// <summary>Deletes <c>Keys</c>; the number deleted.</summary>
    Delete,

    /// <summary>Sets <c>Key</c>'s expiry (<c>RelativeMs</c> or <c>AtUnixMs</c>) under <c>IfAbsent</c>/<c>IfPresent</c>/<c>IfGreater</c>/<c>IfLess</c>; 1 or 0.</summary>
    Expire,

    /// <summary>Removes <c>Key</c>'s expiry; 1 or 0.</summary>
    Persist,

    /// <summary>Milliseconds (seconds with <c>Seconds</c>) <c>Key</c> has left; -1 without expiry, -2 when absent.</summary>
    TimeToLive,

    /// <summary>The Unix time in milliseconds (seconds with <c>Seconds</c>) <c>Key</c> expires at; -1, -2 as above.</summary>
    ExpireTime,

    /// <summary>Adds <c>Number</c> to the integer in <c>Key</c> (absent is 0); the result.</summary>
    Increment,

    /// <summary>Adds <c>Amount</c> to the number in <c>Key</c>; the result as text.</summary>
    IncrementFloat,

    /// <summary>Appends <c>Value</c> to <c>Key</c>; the new length.</summary>
    Append,

    /// <summary>The length of <c>Key</c>'s value (0 when absent).</summary>
    Length,

    /// <summary>Bytes <c>Number</c> to <c>Number2</c> (inclusive, negative from the end) of <c>Key</c>'s value.</summary>
    GetRange,

    /// <summary>Writes <c>Value</c> at offset <c>Number</c> of <c>Key</c>'s value, padding with zero bytes; the new length.</summary>
    SetRange,

    /// <summary>The values of <c>Keys</c>, null for each absent one.</summary>
    MultiGet,

    /// <summary>Writes <c>Values</c> to <c>Keys</c>; with <c>IfAbsent</c> only when none exists (1 or 0).</summary>
    MultiSet,

    /// <summary>Renames <c>Key</c> to <c>Target</c>, keeping its expiry; with <c>IfAbsent</c> only when <c>Target</c> is absent.</summary>
    Rename,

    /// <summary>"string" or "none".</summary>
    Type,

    /// <summary>Removes every entry of the bucket (recorded as one change).</summary>
    Clear,

    /// <summary>One step of a cursor walk from cursor <c>Number</c> over about <c>Number2</c> slots, keys matching glob <c>Target</c>.</summary>
    Scan,

    /// <summary>Every live key matching glob <c>Target</c>; refused when more than <c>Number2</c> match.</summary>
    KeysMatching,

    /// <summary>Entries held, expired ones not reclaimed yet included (as Redis's DBSIZE).</summary>
    Count,

    /// <summary>Live entries and how many of them expire, as two integers.</summary>
    Keyspace,

    /// <summary>The version of <c>Key</c> (0 when absent), for WATCH.</summary>
    Version,
}
