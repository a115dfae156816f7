using Buckets.Englang;

namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public Task<bool> CompactIfNeededAsync(string bucketId, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, "compact", state =>
        {
            if (state.Manifest is null)
            {
                return false;
            }

            var segmentBytes = state.Manifest.Live.Segments.Sum(segment => SizeOf(state, segment.Name));
            var compacted = segmentBytes > _options.CompactionThresholdBytes && Compact(state, segmentBytes);
            DeleteRetiredPastRetention(state);
            return compacted;
        }, cancellationToken);

    /// <summary>
    /// Replays the live generation, writes its live entries (expired ones dropped) as a snapshot at
    /// the last change, then switches the manifest to it; the old files are retired, not deleted.
    /// </summary>
    private bool Compact(BucketState state, long segmentBytes)
    {
        var manifest = state.Manifest!;
        var now = Now();
        var chain = HistoryPlanner.Plan(manifest, null, null);
        var replayed = HistoryReader.Replay(state.Directory, state.BucketId, chain, new ReplayOptions(now));
        if (replayed.LastSeq != state.LastSeq)
        {
            var file = chain.Files[^1];
            throw new BackupCorruptException(
                $"The backup of bucket {state.BucketId} is damaged: the history ends at change {replayed.LastSeq} in {file}, but change {state.LastSeq} was stored.",
                file,
                null);
        }

        var name = FileNames.Snapshot(state.LastSeq, now);
        if (manifest.FileNames().Contains(name, StringComparer.Ordinal))
        {
            return false;
        }

        DurableFiles.WriteAtomically(state.PathOf(name), stream => SnapshotWriter.Write(stream, state.BucketId, now, replayed));
        Rebase(
            state,
            new ManifestGeneration { Origin = GenerationOrigin.Compaction, BaseSeq = state.LastSeq, BaseAt = now, Snapshot = name },
            state.LastChangeAt,
            now);
        StorageLog.Compacted(_logger, state.BucketId, segmentBytes, name, state.LastSeq);
        return true;
    }

    /// <summary>Deletes retired generations older than the retention; the live generation is never touched.</summary>
    private void DeleteRetiredPastRetention(BucketState state)
    {
        var changes = new FileChanges();
        var manifest = ManifestEdits.DropRetiredBefore(state.Manifest!, _time.GetUtcNow() - _options.Retention, changes);
        if (ReferenceEquals(manifest, state.Manifest))
        {
            return;
        }

        Commit(state, manifest);
        changes.Apply(state.Directory);
        StorageLog.RetiredDeleted(_logger, state.BucketId, changes.DeletionCount);
    }
}
