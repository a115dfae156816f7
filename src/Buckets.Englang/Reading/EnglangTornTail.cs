namespace Buckets.Englang;

/// <summary>
/// A torn last line: the final line of a file lacks its line feed or fails to parse, as a crash in
/// the middle of a write leaves it. The good data ends at <see cref="ByteOffset"/>; recovery cuts
/// the file there (see <see cref="EnglangRecovery"/>).
/// </summary>
/// <param name="File">The file (or stream) name.</param>
/// <param name="Line">The 1-based line number of the torn line.</param>
/// <param name="ByteOffset">Where the torn line starts, which is where the good data ends.</param>
/// <param name="Length">How many bytes the torn line occupies, up to the end of the file.</param>
/// <param name="Message">Why the line counts as torn.</param>
public sealed record EnglangTornTail(string File, long Line, long ByteOffset, long Length, string Message)
{
    /// <summary>Formats as <c>file:line: torn tail at byte N: message</c>.</summary>
    public override string ToString() => $"{File}:{Line}: torn tail at byte {ByteOffset}: {Message}";
}
