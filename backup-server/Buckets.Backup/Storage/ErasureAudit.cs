using System.Text;
using Buckets.Englang;
using Microsoft.Extensions.Logging;

namespace Buckets.Backup.Storage;

/// <summary>
/// The erasure audit log <c>audit/erasures.englang</c>: one Englang erase line per erasure (bucket,
/// time, last change), never a key or value. Shared by all buckets, so appends take a lock.
/// </summary>
internal sealed class ErasureAudit(string directory, ILogger logger)
{
    public const string FileName = "erasures.englang";

    private readonly Lock _lock = new();
    private bool _recovered;

    public string FilePath => Path.Combine(directory, FileName);

    public void Append(EraseRecord record)
    {
        var line = Encoding.UTF8.GetBytes(EnglangWriter.Format(record));
        lock (_lock)
        {
            DurableFiles.CreateDirectory(directory);
            var existed = File.Exists(FilePath);
            if (existed && !_recovered)
            {
                // A line torn by a crash would become a damaged line in the middle once more is appended.
                RecoverTornTail();
            }

            _recovered = true;
            DurableFiles.Append(FilePath, line);
            if (!existed)
            {
                DurableFiles.SyncDirectory(directory);
            }
        }
    }

    private void RecoverTornTail()
    {
        using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var recovery = EnglangRecovery.TruncateTornTail(stream, FileName);
        if (recovery.TornTail is { } torn)
        {
            DurableFiles.Sync(stream);
            StorageLog.AuditTornTailCut(logger, FileName, torn.Line);
        }
    }
}
