using Buckets.Englang;

namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <summary>
    /// Brings every bucket file up to what the write-ahead log made durable before a crash, fsyncs
    /// them, and deletes the log; returns the number of the log's next generation. Lines a bucket file
    /// already holds (or that an erase or a snapshot superseded) are skipped by their change number. A
    /// log that cannot be replayed whole (a damaged line, a bucket that cannot take its lines) is kept
    /// aside in <c>wal/kept-*</c> for an operator instead of being deleted; its buckets fail closed.
    /// </summary>
    private long ReplayWriteAheadLog(string walDirectory)
    {
        var files = WriteAheadLog.Files(walDirectory);
        if (files.Count == 0)
        {
            return 1;
        }

        var complete = true;
        var lines = new Dictionary<string, List<(long Seq, DateTimeOffset At, byte[] Line)>>(StringComparer.Ordinal);
        foreach (var (_, path) in files)
        {
            using var reader = EnglangReader.OpenFile(path);
            while (reader.TryRead(out var item))
            {
                if (item.Record is IChangeRecord change && BucketIds.IsValid(item.Record.BucketId))
                {
                    if (!lines.TryGetValue(item.Record.BucketId, out var list))
                    {
                        lines[item.Record.BucketId] = list = [];
                    }

                    list.Add((change.Seq, item.Record.At, [.. reader.CurrentLine, (byte)'\n']));
                }
            }

            // A torn tail is a group whose fsync never finished: none of it was acknowledged.
            if (reader.Errors.Count > 0)
            {
                complete = false;
                StorageLog.LogDamaged(_logger, Path.GetFileName(path), reader.Errors.Count, reader.Errors[0].Line);
            }
        }

        foreach (var (bucketId, bucketLines) in lines)
        {
            complete &= ReplayInto(StateOf(bucketId), bucketLines);
        }

        var keep = complete ? null : Path.Combine(walDirectory, $"kept-{_time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}");
        if (keep is not null)
        {
            DurableFiles.CreateDirectory(keep);
            _events?.Raise(
                Events.BackupEventKind.CorruptionFound,
                Events.BackupEventSeverity.Failure,
                $"The write-ahead log could not be replayed whole; it is kept in {WriteAheadLog.Folder}/{Path.GetFileName(keep)} and the buckets it could not replay fail closed.",
                new Dictionary<string, string> { ["kept"] = $"{WriteAheadLog.Folder}/{Path.GetFileName(keep)}" });
        }

        foreach (var (_, path) in files)
        {
            if (keep is null)
            {
                File.Delete(path);
            }
            else
            {
                File.Move(path, Path.Combine(keep, Path.GetFileName(path)));
            }
        }

        DurableFiles.SyncDirectory(walDirectory);
        StorageLog.LogReplayed(_logger, files.Count, lines.Count, complete);
        return files[^1].Number + 1;
    }

    private bool ReplayInto(BucketState state, List<(long Seq, DateTimeOffset At, byte[] Line)> lines)
    {
        state.Gate.Wait();
        try
        {
            Load(state);
            if (state.Manifest is null)
            {
                StorageLog.ReplayFailed(_logger, state.BucketId, lines[0].Seq, "the bucket folder has no manifest");
                return false;
            }

            foreach (var (seq, at, line) in lines.OrderBy(l => l.Seq))
            {
                if (seq <= state.LastSeq)
                {
                    continue;
                }

                if (seq != state.LastSeq + 1)
                {
                    StorageLog.ReplayFailed(_logger, state.BucketId, seq, $"the bucket's files end at change {state.LastSeq}");
                    return false;
                }

                WriteToOpenSegment(state, line, seq, at);
            }

            SyncOpenSegment(state);
            return true;
        }
        catch (Exception e) when (e is BackupCorruptException or IOException or UnauthorizedAccessException)
        {
            StorageLog.ReplayFailed(_logger, state.BucketId, lines[0].Seq, e.Message);
            Invalidate(state);
            return false;
        }
        finally
        {
            state.Gate.Release();
        }
    }
}
