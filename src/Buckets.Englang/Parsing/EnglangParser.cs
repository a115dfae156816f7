using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Buckets.Englang;

/// <summary>
/// Parses one Englang line. Never throws on malformed input: failures come back as an error
/// message naming the column and what was expected.
/// <list type="bullet">
/// <item><c>static bool TryParse(ReadOnlySpan&lt;byte&gt; lineWithoutNewline, out EnglangRecord? record, out string? error)</c>: the UTF-8 bytes of a line without its line feed.</item>
/// <item><c>static bool TryParse(string line, out EnglangRecord? record, out string? error)</c>: convenience; one trailing line feed is allowed.</item>
/// <item><c>static bool TryCheckChange(ReadOnlySpan&lt;byte&gt; lineWithoutNewline, out DateTimeOffset at, out string bucketId, out long seq, out string? error)</c>: checks a change line as <c>TryParse</c> does, without making its record.</item>
/// <item><c>static bool TryReadTime(ReadOnlySpan&lt;byte&gt; line, out DateTimeOffset at)</c>: only the time a line already validated begins with.</item>
/// </list>
/// The checksum is checked first, then the text must match the grammar in docs/englang.md exactly
/// (the parser accepts only the canonical spelling the writer produces).
/// </summary>
public static class EnglangParser
{
    /// <summary>Parses the UTF-8 bytes of one line without its line feed.</summary>
    public static bool TryParse(
        ReadOnlySpan<byte> lineWithoutNewline,
        [NotNullWhen(true)] out EnglangRecord? record,
        [NotNullWhen(false)] out string? error)
    {
        record = TryReadLine(lineWithoutNewline, changesOnly: false, out var at, out var bucketId, out var parsed, out error)
            ? parsed.ToRecord(at, bucketId)
            : null;
        return record is not null;
    }

    /// <summary>
    /// Checks one change line (without its line feed) exactly as <see cref="TryParse(ReadOnlySpan{byte}, out EnglangRecord?, out string?)"/>
    /// would parse it, and gives only its time, bucket and change number: a backup server validates
    /// every line it stores, and the records, keys and values of a full parse were most of what it
    /// allocated per change. Lines that are not change records (snapshot lines) fail.
    /// </summary>
    public static bool TryCheckChange(
        ReadOnlySpan<byte> lineWithoutNewline,
        out DateTimeOffset at,
        out string bucketId,
        out long seq,
        [NotNullWhen(false)] out string? error)
    {
        var read = TryReadLine(lineWithoutNewline, changesOnly: true, out at, out bucketId, out var parsed, out error);
        seq = read ? parsed.ChangeSeq : 0;
        return read;
    }

    /// <summary>
    /// Reads only the time a line begins with (<c>On YYYY-MM-DD at HH:MM:SS.fff UTC</c>), without
    /// checking the rest of the line or its checksum: for lines already validated, where only their
    /// time is wanted (a batch's lag).
    /// </summary>
    public static bool TryReadTime(ReadOnlySpan<byte> line, out DateTimeOffset at)
    {
        var c = new BodyCursor(line);
        if (c.Expect("On "u8) && c.ReadTimestamp(out at))
        {
            return true;
        }

        at = default;
        return false;
    }

    /// <summary>Parses one line given as a string; a single trailing line feed is ignored.</summary>
    public static bool TryParse(
        string line,
        [NotNullWhen(true)] out EnglangRecord? record,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = line.EndsWith('\n') ? line.AsSpan(0, line.Length - 1) : line.AsSpan();
        var bytes = new byte[Encoding.UTF8.GetByteCount(text)];
        Encoding.UTF8.GetBytes(text, bytes);
        return TryParse(bytes, out record, out error);
    }

    /// <summary>
    /// The checksum, then <c>On TIME, bucket ID EVENT.</c>, the event as <see cref="EventParser.TryParse"/>
    /// reads it; with <paramref name="changesOnly"/> a snapshot line fails. The one grammar every reader uses.
    /// </summary>
    internal static bool TryReadLine(
        ReadOnlySpan<byte> line,
        bool changesOnly,
        out DateTimeOffset at,
        out string bucketId,
        out LineEvent parsed,
        [NotNullWhen(false)] out string? error)
    {
        at = default;
        bucketId = string.Empty;
        parsed = default;
        if (!LineChecksum.TryGetBody(line, out var body, out error))
        {
            return false;
        }

        var c = new BodyCursor(body);
        if (!c.Expect("On "u8) || !c.ReadTimestamp(out at) || !c.Expect(", bucket "u8)
            || !c.ReadBucketId(out bucketId) || !c.Expect(" "u8)
            || !EventParser.TryParse(ref c, at, bucketId, out parsed)
            || (changesOnly && !parsed.IsChange && !c.Fail("a change (a snapshot line is not one)"))
            || !c.Expect("."u8) || !c.ExpectEnd())
        {
            parsed = default;
            error = c.Error;
            return false;
        }

        error = null;
        return true;
    }
}
