using Buckets.Englang;
using Microsoft.Extensions.Logging;

namespace Buckets.Backup.Storage;

/// <summary>
/// Brings a bucket folder back to a consistent state the first time it is used after a start (or
/// after a failed operation), then loads what the store keeps in memory about it:
/// <list type="number">
/// <item>finishes a seal the manifest records but whose rename did not happen;</item>
/// <item>deletes files the manifest does not list (temporary files, a snapshot written by a
/// compaction or grain snapshot that never switched the manifest, an empty segment created just
/// before a crash, files a retention or erase run had dropped from the manifest);</item>
/// <item>cuts a torn last line (one without its line feed: a write the crash cut short) off the open
/// segment, makes the open segment durable, and derives the last change from its content.</item>
/// </list>
/// Anything else is loss of acknowledged data, and recovery does not carry on past it: a damaged
/// complete line, a missing live file, or files that end before the change the manifest says was
/// stored fail the bucket closed (<see cref="BackupCorruptException"/>, nothing rewritten) until an
/// operator repairs or restores it.
/// </summary>
internal static class BucketRecovery
{
    public static void Load(BucketState state, ILogger logger)
    {
        state.Invalidate();
        var manifest = ManifestFile.Load(state.Directory, state.BucketId);
        if (manifest is not null)
        {
            FinishSeals(state, manifest, logger);
            DeleteLeftovers(state, manifest, logger);
            ReportMissing(state, manifest, logger);
            var (lastSeq, lastAt, openBytes) = RecoverOpenSegment(state, manifest, logger);
            if (lastSeq < manifest.LastSeq)
            {
                StorageLog.ManifestAheadOfFiles(logger, state.BucketId, manifest.LastSeq, lastSeq);
                throw new BackupCorruptException(
                    $"The backup of bucket {state.BucketId} is damaged: the manifest says change {manifest.LastSeq} was stored but the files end at change {lastSeq}.",
                    FileNames.Manifest,
                    null);
            }

            state.Manifest = manifest;
            state.LastSeq = lastSeq;
            state.LastChangeAt = lastAt ?? manifest.LastChangeAt;
            state.OpenSegmentBytes = openBytes;
            StorageLog.BucketLoaded(logger, state.BucketId, manifest.Epoch, lastSeq);
        }

        state.MarkLoaded();
    }

    /// <summary>A seal writes the manifest first, then renames; a crash between them is finished here.</summary>
    private static void FinishSeals(BucketState state, BucketManifest manifest, ILogger logger)
    {
        var renames = new List<(string From, string To)>();
        foreach (var name in manifest.FileNames())
        {
            if (!File.Exists(state.PathOf(name)) && FileNames.OpenNameOf(name) is { } openName && File.Exists(state.PathOf(openName)))
            {
                renames.Add((openName, name));
                StorageLog.SealRenameFinished(logger, state.BucketId, openName, name);
            }
        }

        DurableFiles.Rename(state.Directory, renames);
    }

    private static void DeleteLeftovers(BucketState state, BucketManifest manifest, ILogger logger)
    {
        var listed = new HashSet<string>(manifest.FileNames(), StringComparer.Ordinal) { FileNames.Manifest };
        var leftovers = Directory.EnumerateFiles(state.Directory)
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !listed.Contains(name))
            .ToList();
        foreach (var name in leftovers)
        {
            StorageLog.LeftoverDeleted(logger, state.BucketId, name);
        }

        DurableFiles.Delete(state.Directory, leftovers);
    }

    private static void ReportMissing(BucketState state, BucketManifest manifest, ILogger logger)
    {
        var live = new HashSet<string>(manifest.Live.FileNames(), StringComparer.Ordinal);
        foreach (var name in manifest.FileNames().Where(name => !File.Exists(state.PathOf(name))))
        {
            StorageLog.FileMissing(logger, state.BucketId, name);
            if (live.Contains(name))
            {
                // A missing retired file only costs point-in-time reads (they report it); a live one is lost data.
                throw new BackupCorruptException(
                    $"The backup of bucket {state.BucketId} is damaged: {name} is listed in the manifest but missing.", name, null);
            }
        }
    }

    private static (long LastSeq, DateTimeOffset? LastAt, long OpenBytes) RecoverOpenSegment(
        BucketState state, BucketManifest manifest, ILogger logger)
    {
        var live = manifest.Live;
        if (live.OpenSegment is not { } open)
        {
            return (live.Segments.Count > 0 ? live.Segments[^1].ToSeq!.Value : live.BaseSeq, null, 0);
        }

        using var stream = new FileStream(state.PathOf(open.Name), FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
        var recovery = EnglangRecovery.TruncateTornTail(stream, open.Name);
        if (recovery.Errors.Count > 0)
        {
            var first = recovery.Errors[0];
            StorageLog.DamagedLines(logger, state.BucketId, open.Name, recovery.Errors.Count, first.Line);
            throw HistoryReader.Damaged(state.BucketId, open.Name, first.Line, first.Message);
        }

        if (recovery.TornTail is { } torn)
        {
            StorageLog.TornTailCut(logger, state.BucketId, open.Name, torn.Line, torn.ByteOffset, recovery.OriginalLength - recovery.RecoveredLength);
        }

        // What a crash left in the page cache may never have been fsynced (and the cut of a torn tail
        // neither): it must be durable before a resent batch is acknowledged as already stored.
        DurableFiles.Sync(stream);

        stream.Position = 0;
        long lastSeq = open.FromSeq - 1;
        DateTimeOffset? lastAt = null;
        using (var reader = new EnglangReader(stream, open.Name, leaveOpen: true))
        {
            while (reader.TryRead(out var item))
            {
                if (item.Record is IChangeRecord change)
                {
                    lastSeq = change.Seq;
                    lastAt = item.Record.At;
                }
            }
        }

        return (lastSeq, lastAt, stream.Length);
    }
}
