using System.Globalization;
using System.Text;

namespace Buckets.Backup.Storage;

/// <summary>What <see cref="BackupVerifier.VerifyDirectory"/> found across a data directory.</summary>
/// <param name="Problems">Damage: bad lines, gaps and overlaps, snapshot mismatches, missing files, manifest disagreements.</param>
/// <param name="Warnings">Recoverable leftovers: a torn last line of an open segment, files not in a manifest, an unfinished seal.</param>
/// <param name="BucketCount">Buckets with a manifest that were checked.</param>
/// <param name="FileCount">Englang files read.</param>
/// <param name="RecordCount">Good records read.</param>
public sealed record BackupVerificationReport(
    IReadOnlyList<BackupVerificationIssue> Problems,
    IReadOnlyList<BackupVerificationIssue> Warnings,
    int BucketCount,
    int FileCount,
    long RecordCount)
{
    /// <summary>Bytes of the bucket files read (what a sweep's bandwidth bound counts).</summary>
    public long ByteCount { get; init; }

    /// <summary>True when nothing is damaged (warnings are allowed: the store repairs them on its own).</summary>
    public bool IsHealthy => Problems.Count == 0;

    /// <summary>A summary line, then one line per problem and per warning (what <c>buckets verify</c> prints).</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{BucketCount} buckets, {FileCount} files, {RecordCount} records: {Problems.Count} problems, {Warnings.Count} warnings");
        foreach (var problem in Problems)
        {
            text.Append('\n').Append("problem: ").Append(problem);
        }

        foreach (var warning in Warnings)
        {
            text.Append('\n').Append("warning: ").Append(warning);
        }

        return text.ToString();
    }
}
