using System.Text;

namespace Buckets.Englang;

/// <summary>What kind of event a <see cref="LineEvent"/> holds.</summary>
internal enum LineEventKind
{
    /// <summary>Any event but the three below: it is in <see cref="LineEvent.Record"/>.</summary>
    Other,

    /// <summary>A key was set (a change).</summary>
    Set,

    /// <summary>A key was deleted (a change).</summary>
    Delete,

    /// <summary>A snapshot held a key.</summary>
    Held,
}

/// <summary>
/// The event of one line as the parser read it. Sets, deletions and snapshot entries are nearly
/// every line a replay or a backup server reads, so their key and value stay views of the line,
/// decoded only when asked for (and only when they needed decoding, decoded once, while checked);
/// every other event is made into its record at once. Valid while the line's bytes are.
/// </summary>
internal ref struct LineEvent
{
    public LineEventKind Kind;

    /// <summary>The record of an <see cref="LineEventKind.Other"/> event.</summary>
    public EnglangRecord? Record;

    /// <summary>The change number of a set or deletion; the version (last writing change) of a held entry.</summary>
    public long Seq;

    public KeyText Key;

    /// <summary>The value of a set or held entry.</summary>
    public ValueBytes Value;

    /// <summary>The expiry of a set or held entry; the deadline a deletion "as it expired" reached.</summary>
    public DateTimeOffset? ExpiresAt;

    /// <summary>True for a deletion "as it expired".</summary>
    public bool Expired;

    /// <summary>True when the line is a change record (as opposed to a snapshot line).</summary>
    public readonly bool IsChange => Kind is LineEventKind.Set or LineEventKind.Delete || Record is IChangeRecord;

    /// <summary>The change number of a change record (see <see cref="IsChange"/>).</summary>
    public readonly long ChangeSeq => Record is IChangeRecord change ? change.Seq : Seq;

    /// <summary>The event as its record.</summary>
    public readonly EnglangRecord ToRecord(DateTimeOffset at, string bucketId) => Kind switch
    {
        LineEventKind.Set => new SetRecord(at, bucketId, Seq, Key.ToKey(), Value.ToArray(), ExpiresAt),
        LineEventKind.Delete => new DeleteRecord(at, bucketId, Seq, Key.ToKey(), Expired, ExpiresAt),
        LineEventKind.Held => new SnapshotEntryRecord(at, bucketId, Key.ToKey(), Value.ToArray(), ExpiresAt, Seq),
        _ => Record!,
    };
}

/// <summary>A quoted key as read from a line: its bytes when they needed no decoding (plain ASCII), else the decoded string.</summary>
internal readonly ref struct KeyText(ReadOnlySpan<byte> plain, string? decoded)
{
    /// <summary>The key's ASCII bytes, one per character; empty when <see cref="Decoded"/> holds it.</summary>
    public ReadOnlySpan<byte> Plain { get; } = plain;

    /// <summary>The key when it had to be decoded (escapes or characters beyond ASCII), else null.</summary>
    public string? Decoded { get; } = decoded;

    public string ToKey() => Decoded ?? Encoding.ASCII.GetString(Plain);
}

/// <summary>A value as read from a line: its bytes in place when quoted text that needed no decoding, else the decoded bytes.</summary>
internal readonly ref struct ValueBytes(ReadOnlySpan<byte> plain, byte[]? decoded)
{
    private readonly ReadOnlySpan<byte> _plain = plain;
    private readonly byte[]? _decoded = decoded;

    /// <summary>The value as an array of its own: the one decoding made (escapes, non-ASCII text or base64), else a copy of the line's bytes.</summary>
    public byte[] ToArray() => _decoded ?? _plain.ToArray();
}
