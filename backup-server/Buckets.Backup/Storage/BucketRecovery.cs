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
/// <item>cuts a torn last line off the open segment and derives the last change from its content.</item>
/// </list>
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
                // Following the files lets the next append get Gap, and the grain answer with a snapshot.
                StorageLog.ManifestAheadOfFiles(logger, state.BucketId, manifest.LastSeq, lastSeq);
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
        foreach (var name in manifest.FileNames().Where(name => !File.Exists(state.PathOf(name))))
        {
            StorageLog.FileMissing(logger, state.BucketId, name);
            if (manifest.Live.OpenSegment?.Name == name)
            {
                // Appends need the open segment; reads will still report the loss.
                DurableFiles.CreateEmpty(state.PathOf(name));
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
        if (recovery.TornTail is { } torn)
        {
            // Recovery does not fsync; the cut must be durable before anything is appended after it.
            stream.Flush(flushToDisk: true);
            StorageLog.TornTailCut(logger, state.BucketId, open.Name, torn.Line, torn.ByteOffset, recovery.OriginalLength - recovery.RecoveredLength);
        }

        if (recovery.Errors.Count > 0)
        {
            StorageLog.DamagedLines(logger, state.BucketId, open.Name, recovery.Errors.Count, recovery.Errors[0].Line);
        }

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
