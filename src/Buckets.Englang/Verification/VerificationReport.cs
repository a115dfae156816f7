namespace Buckets.Englang;

/// <summary>
/// What <see cref="EnglangVerifier"/> found in the files of one bucket: every problem (file, line,
/// message) in file and line order, every torn tail, and a summary of what was read.
/// </summary>
/// <param name="Problems">Every problem: damaged lines, sequence gaps and overlaps, snapshot count, digest and structure mismatches, foreign buckets.</param>
/// <param name="TornTails">Torn last lines (recoverable, so listed apart from the problems).</param>
/// <param name="RecordCount">Good records read.</param>
/// <param name="BucketId">The bucket the records belong to (that of the first record).</param>
/// <param name="FirstSeq">The first sequence number seen.</param>
/// <param name="LastSeq">The last sequence number accepted.</param>
public sealed record VerificationReport(
    IReadOnlyList<EnglangError> Problems,
    IReadOnlyList<EnglangTornTail> TornTails,
    long RecordCount,
    string? BucketId,
    long? FirstSeq,
    long? LastSeq)
{
    /// <summary>True when a torn tail was found.</summary>
    public bool HasTornTail => TornTails.Count > 0;

    /// <summary>True when there are no problems and no torn tails.</summary>
    public bool IsClean => Problems.Count == 0 && TornTails.Count == 0;
}
