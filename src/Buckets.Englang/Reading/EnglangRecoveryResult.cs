namespace Buckets.Englang;

/// <summary>What recovery found and did.</summary>
/// <param name="File">The file name.</param>
/// <param name="OriginalLength">The length before recovery.</param>
/// <param name="RecoveredLength">The length after recovery (the end of the last good line when a tail was torn).</param>
/// <param name="RecordCount">The good records kept.</param>
/// <param name="TornTail">The torn tail that was cut off, if any.</param>
/// <param name="Errors">Damaged lines before the end, left in place.</param>
public sealed record EnglangRecoveryResult(
    string File,
    long OriginalLength,
    long RecoveredLength,
    long RecordCount,
    EnglangTornTail? TornTail,
    IReadOnlyList<EnglangError> Errors)
{
    /// <summary>True when bytes were cut off.</summary>
    public bool Truncated => RecoveredLength < OriginalLength;
}
