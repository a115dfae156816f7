namespace Buckets.Backup.Storage;

/// <summary>Validated change lines of one append: contiguous sequence numbers and where each line starts.</summary>
/// <param name="FirstSeq">The first line's change number.</param>
/// <param name="LastSeq">The last line's change number.</param>
/// <param name="LastAt">The last line's time.</param>
/// <param name="LineOffsets">The byte offset of each line, in order.</param>
internal sealed record ParsedChanges(long FirstSeq, long LastSeq, DateTimeOffset LastAt, IReadOnlyList<int> LineOffsets)
{
    /// <summary>The byte offset of the line holding change <paramref name="seq"/> (which must be in range).</summary>
    public int OffsetOf(long seq) => LineOffsets[checked((int)(seq - FirstSeq))];
}
