using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Buckets.Englang;

namespace Buckets.Backup.Storage;

/// <summary>
/// Checks a snapshot sent by a grain before it is stored: exactly one header, its entries and a
/// footer, all for this bucket, every line complete and checksummed, counts and digest matching.
/// </summary>
internal static class IncomingSnapshot
{
    private const string SourceName = "snapshot";

    public static bool TryValidate(
        string bucketId,
        ReadOnlyMemory<byte> snapshot,
        [NotNullWhen(true)] out SnapshotHeaderRecord? header,
        [NotNullWhen(false)] out string? error)
    {
        header = null;
        EnglangReadResult read;
        using (var stream = StreamOver(snapshot))
        {
            read = EnglangReader.Read(stream, SourceName);
        }

        if (read.Errors.Count > 0)
        {
            error = Describe(read.Errors[0].Line, read.Errors[0].Message);
            return false;
        }

        if (read.TornTail is { } torn)
        {
            error = Describe(torn.Line, torn.Message);
            return false;
        }

        if (read.Items.Count < 2 || read.Items[0].Record is not SnapshotHeaderRecord first || read.Items[^1].Record is not SnapshotFooterRecord)
        {
            error = "a snapshot must be a header, its entries and a footer";
            return false;
        }

        foreach (var item in read.Items)
        {
            if (!string.Equals(item.Record.BucketId, bucketId, StringComparison.Ordinal))
            {
                error = $"line {item.LineNumber}: the record is for bucket \"{item.Record.BucketId}\", not \"{bucketId}\"";
                return false;
            }
        }

        VerificationReport report;
        using (var stream = StreamOver(snapshot))
        {
            // The verifier checks the structure (nothing but entries between header and footer), counts and digest.
            report = EnglangVerifier.Verify([(SourceName, stream)]);
        }

        if (report.Problems.Count > 0)
        {
            error = Describe(report.Problems[0].Line, report.Problems[0].Message);
            return false;
        }

        header = first;
        error = null;
        return true;
    }

    /// <summary>A read-only stream over the bytes, without copying them when they are an array.</summary>
    private static MemoryStream StreamOver(ReadOnlyMemory<byte> bytes) =>
        MemoryMarshal.TryGetArray(bytes, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);

    private static string Describe(long line, string message) => $"line {line}: {EnglangMessages.Redact(message)}";
}
