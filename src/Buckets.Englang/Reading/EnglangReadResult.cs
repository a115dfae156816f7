namespace Buckets.Englang;

/// <summary>Everything read from one file: its good records, hard errors, torn tail, and where the good data ends.</summary>
/// <param name="File">The file name.</param>
/// <param name="Items">The good records in order.</param>
/// <param name="Errors">Bad lines that are not the last line.</param>
/// <param name="TornTail">The torn last line, if any.</param>
/// <param name="GoodLength">The byte offset where the good data ends.</param>
public sealed record EnglangReadResult(
    string File,
    IReadOnlyList<EnglangItem> Items,
    IReadOnlyList<EnglangError> Errors,
    EnglangTornTail? TornTail,
    long GoodLength)
{
    /// <summary>True when there are no errors and no torn tail.</summary>
    public bool IsClean => Errors.Count == 0 && TornTail is null;
}
