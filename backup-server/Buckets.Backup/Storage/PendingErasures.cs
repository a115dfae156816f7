using System.Text;
using Buckets.Englang;

namespace Buckets.Backup.Storage;

/// <summary>
/// Intent markers for erasures (<c>audit/pending/&lt;bucketId&gt;.englang</c>, one erase line each).
/// A marker is written before an erasure starts and removed once its files are gone and its audit
/// line is written; the store finishes any marker left by a crash when it starts, so erased data
/// never waits for the bucket to be used again and every erasure gets its audit line.
/// </summary>
internal sealed class PendingErasures(string directory)
{
    public const string FolderName = "pending";

    public string Directory { get; } = Path.Combine(directory, FolderName);

    public void Begin(EraseRecord record)
    {
        DurableFiles.CreateDirectory(Directory);
        var line = Encoding.UTF8.GetBytes(EnglangWriter.Format(record));
        DurableFiles.WriteAtomically(PathOf(record.BucketId), stream => stream.Write(line));
    }

    public void End(string bucketId) => DurableFiles.Delete(Directory, [Path.GetFileName(PathOf(bucketId))]);

    /// <summary>The erasures a crash left unfinished (unreadable markers are skipped: they were never complete).</summary>
    public IReadOnlyList<EraseRecord> Unfinished()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return [];
        }

        var records = new List<EraseRecord>();
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + FileNames.Extension))
        {
            var read = EnglangReader.ReadFile(path);
            if (read.Items is [{ Record: EraseRecord record }] && BucketIds.IsValid(record.BucketId)
                && Path.GetFileName(path) == Path.GetFileName(PathOf(record.BucketId)))
            {
                records.Add(record);
            }
        }

        return records;
    }

    private string PathOf(string bucketId) => Path.Combine(Directory, bucketId + FileNames.Extension);
}
