using System.Diagnostics.CodeAnalysis;
using Buckets.Englang;

namespace Buckets.Backup.Storage;

/// <summary>
/// Checks the lines of an append before any of them is stored: each is a complete, checksummed
/// change record of the right bucket, and their change numbers ascend without gaps.
/// </summary>
internal static class ChangeLines
{
    /// <summary>Parses <paramref name="lines"/>; null (with no error) when there are none.</summary>
    public static bool TryParse(
        string bucketId,
        ReadOnlySpan<byte> lines,
        out ParsedChanges? parsed,
        [NotNullWhen(false)] out string? error)
    {
        parsed = null;
        error = null;
        var offsets = new List<int>();
        long firstSeq = 0;
        long lastSeq = 0;
        var lastAt = DateTimeOffset.MinValue;
        var offset = 0;
        while (offset < lines.Length)
        {
            var lineNumber = offsets.Count + 1;
            var length = lines[offset..].IndexOf((byte)'\n');
            if (length < 0)
            {
                error = $"line {lineNumber}: the last line has no line feed";
                return false;
            }

            if (!EnglangParser.TryCheckChange(lines.Slice(offset, length), out var at, out var lineBucketId, out var seq, out var parseError))
            {
                error = $"line {lineNumber}: {EnglangMessages.Redact(parseError)}";
                return false;
            }

            if (!string.Equals(lineBucketId, bucketId, StringComparison.Ordinal))
            {
                error = $"line {lineNumber}: the change is for bucket \"{lineBucketId}\", not \"{bucketId}\"";
                return false;
            }

            if (offsets.Count == 0)
            {
                firstSeq = seq;
            }
            else if (seq != lastSeq + 1)
            {
                error = $"line {lineNumber}: change {seq} follows change {lastSeq} (expected change {lastSeq + 1})";
                return false;
            }

            offsets.Add(offset);
            lastSeq = seq;
            lastAt = at;
            offset += length + 1;
        }

        if (offsets.Count > 0)
        {
            parsed = new ParsedChanges(firstSeq, lastSeq, lastAt, offsets);
        }

        return true;
    }
}
