using Buckets.Englang;

namespace Buckets.Backup.Storage;

/// <summary>
/// Compares resent change lines with what the live generation holds under the same sequence numbers,
/// so a retry is acknowledged only when it is the very change that was stored; anything else is a
/// conflict (never silently counted as stored). Only resends read this path, so it reads files.
/// </summary>
internal static class StoredLines
{
    /// <summary>The first change in [<paramref name="fromSeq"/>, <paramref name="toSeq"/>] whose stored line differs from <paramref name="lines"/>, or null when all match.</summary>
    public static long? FirstDifference(BucketState state, ReadOnlySpan<byte> lines, ParsedChanges parsed, long fromSeq, long toSeq)
    {
        // Retired generations count too: a compaction may have rebased the bucket between a store and its retry.
        var segments = state.Manifest!.Generations()
            .SelectMany(generation => generation.Segments)
            .Where(segment => (segment.ToSeq ?? long.MaxValue) >= fromSeq && segment.FromSeq <= toSeq)
            .OrderBy(segment => segment.FromSeq);
        var expected = fromSeq;
        foreach (var segment in segments)
        {
            if (segment.FromSeq > expected)
            {
                // Under a snapshot base individual changes are not kept: they cannot be shown to match.
                return expected;
            }

            var last = Math.Min(toSeq, segment.ToSeq ?? toSeq);
            using (var reader = EnglangReader.OpenFile(state.PathOf(segment.Name)))
            {
                while (expected <= last && reader.TryRead(out var item))
                {
                    if (item.Record is not IChangeRecord change || change.Seq < expected)
                    {
                        continue;
                    }

                    if (change.Seq != expected || !reader.CurrentLine.SequenceEqual(LineOf(lines, parsed, expected)))
                    {
                        return expected;
                    }

                    expected++;
                }
            }

            if (expected <= last)
            {
                throw new BackupCorruptException(
                    $"The backup of bucket {state.BucketId} is damaged: {segment.Name} should hold change {expected} but ends before it.", segment.Name, null);
            }
        }

        return expected <= toSeq ? expected : null;
    }

    private static ReadOnlySpan<byte> LineOf(ReadOnlySpan<byte> lines, ParsedChanges parsed, long seq)
    {
        var start = parsed.OffsetOf(seq);
        var end = seq < parsed.LastSeq ? parsed.OffsetOf(seq + 1) : lines.Length;
        return lines[start..(end - 1)];
    }
}
