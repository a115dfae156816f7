using Buckets.Englang;

namespace Buckets.Backup.Storage;

/// <summary>
/// Checks a whole data directory without changing anything (the <c>buckets verify &lt;dir&gt;</c>
/// command): every bucket's manifest, every line's checksum, sequence continuity across each
/// snapshot and its segments in manifest order, snapshot counts and digests, manifest ranges, and
/// the erasure audit log. Safe to run against a live store's directory.
/// </summary>
public static class BackupVerifier
{
    /// <summary>Verifies every bucket under <paramref name="dataDirectory"/>.</summary>
    public static BackupVerificationReport VerifyDirectory(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var collector = new VerificationCollector();
        if (!Directory.Exists(dataDirectory))
        {
            collector.Problem(dataDirectory, null, "the data directory does not exist");
            return collector.ToReport();
        }

        var buckets = Path.Combine(dataDirectory, BucketLayout.Folder);
        if (Directory.Exists(buckets))
        {
            // One bucket at a time in layout order: a directory of millions of buckets is never listed whole.
            foreach (var bucketId in BucketLayout.Enumerate(buckets, null))
            {
                BucketVerifier.Verify(BucketLayout.PathUnder(buckets, bucketId), bucketId, BucketLayout.RelativePath(bucketId), collector);
            }

            ReportStrayFolders(buckets, collector);
        }

        VerifyAudit(Path.Combine(dataDirectory, "audit", ErasureAudit.FileName), collector);
        ReportPendingErasures(Path.Combine(dataDirectory, "audit", PendingErasures.FolderName), collector);
        VerifyWriteAheadLog(Path.Combine(dataDirectory, WriteAheadLog.Folder), collector);
        return collector.ToReport();
    }

    /// <summary>
    /// Folders the store does not read: buckets still in the flat layout (moved when the store next
    /// starts), and names that are neither a prefix folder nor a bucket id, at the top or in a leaf.
    /// </summary>
    private static void ReportStrayFolders(string buckets, VerificationCollector collector)
    {
        foreach (var id in BucketLayout.FlatFolders(buckets))
        {
            collector.Warning($"{BucketLayout.Folder}/{id}", null, $"a bucket folder of the flat layout; the store moves it to {BucketLayout.RelativePath(id)} when it next starts");
        }

        foreach (var path in Directory.EnumerateDirectories(buckets).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            if (!BucketIds.IsValid(name) && !name.EndsWith(BucketLayout.AsideSuffix, StringComparison.Ordinal))
            {
                collector.Warning($"{BucketLayout.Folder}/{name}", null, "not a prefix folder or a bucket id; the store ignores this folder");
            }
        }
    }

    /// <summary>The log's lines are checked like any Englang file; a log kept aside by recovery is damage an operator must look at.</summary>
    private static void VerifyWriteAheadLog(string directory, VerificationCollector collector)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var (_, path) in WriteAheadLog.Files(directory))
        {
            var name = $"{WriteAheadLog.Folder}/{Path.GetFileName(path)}";
            using var reader = EnglangReader.OpenFile(path);
            while (reader.TryRead(out _))
            {
                collector.RecordCount++;
            }

            collector.FileCount++;
            ReportDamage(name, reader.Errors, reader.TornTail, "a group commit a crash cut short; never acknowledged", collector);
        }

        foreach (var kept in Directory.EnumerateDirectories(directory, "kept-*").Order(StringComparer.Ordinal))
        {
            collector.Problem($"{WriteAheadLog.Folder}/{Path.GetFileName(kept)}", null, "a write-ahead log that recovery could not replay whole; its buckets fail closed until an operator restores them");
        }
    }

    private static void ReportPendingErasures(string directory, VerificationCollector collector)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (var path in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            collector.Warning($"audit/{PendingErasures.FolderName}/{Path.GetFileName(path)}", null, "an erasure a crash interrupted; the store finishes it when it starts");
        }
    }

    private static void VerifyAudit(string path, VerificationCollector collector)
    {
        if (!File.Exists(path))
        {
            return;
        }

        const string name = "audit/" + ErasureAudit.FileName;
        var read = EnglangReader.ReadFile(path);
        collector.FileCount++;
        collector.RecordCount += read.Items.Count;
        ReportDamage(name, read.Errors, read.TornTail, "cut at the next erasure", collector);
        foreach (var item in read.Items.Where(item => item.Record is not EraseRecord))
        {
            collector.Problem(name, item.LineNumber, $"the erasure audit log holds a {item.Record.GetType().Name}, not an erase record");
        }
    }

    /// <summary>Damaged complete lines are problems; a torn last line is a warning (<paramref name="tornNote"/> says what becomes of it).</summary>
    private static void ReportDamage(string name, IReadOnlyList<EnglangError> errors, EnglangTornTail? torn, string tornNote, VerificationCollector collector)
    {
        foreach (var error in errors)
        {
            collector.Problem(name, error.Line, error.Message);
        }

        if (torn is not null)
        {
            collector.Warning(name, torn.Line, $"torn last line ({tornNote}): {torn.Message}");
        }
    }
}
