using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Buckets.Englang;

namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    private readonly ConcurrentDictionary<string, byte> _compacting = new(StringComparer.Ordinal);

    /// <inheritdoc />
    /// <remarks>
    /// The replay and the snapshot write run outside the bucket's semaphore: a large bucket takes
    /// seconds to compact, and holding its appends that long would stall its writers and change feed
    /// and overflow its grain's journal. The live generation is sealed first, so everything replayed is
    /// immutable; the manifest switches only if that generation is still live, with the segments
    /// appended meanwhile carried over after the new snapshot.
    /// </remarks>
    public async Task<bool> CompactIfNeededAsync(string bucketId, CancellationToken cancellationToken)
    {
        BucketIds.Validate(bucketId, nameof(bucketId));
        if (!_compacting.TryAdd(bucketId, 0))
        {
            return false;
        }

        try
        {
            if (await WithBucketAsync(bucketId, "compact", PlanCompaction, cancellationToken) is not { } plan)
            {
                return false;
            }

            Exception? failure = null;
            try
            {
                var replayed = HistoryReader.Replay(plan.Directory, bucketId, plan.Chain, new ReplayOptions(plan.At));
                if (replayed.LastSeq != plan.Seq)
                {
                    var file = plan.Chain.Files[^1];
                    throw new BackupCorruptException(
                        $"The backup of bucket {bucketId} is damaged: the history ends at change {replayed.LastSeq} in {file}, but change {plan.Seq} was stored.",
                        file,
                        null);
                }

                DurableFiles.WriteAtomically(Path.Combine(plan.Directory, plan.SnapshotName), stream => SnapshotWriter.Write(stream, bucketId, plan.At, replayed));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                failure = e;
            }

            return await WithBucketAsync(bucketId, "compact", state => FinishCompaction(state, plan, failure), cancellationToken);
        }
        finally
        {
            _compacting.TryRemove(bucketId, out _);
        }
    }

    /// <summary>
    /// Under the semaphore: drops retired files past retention and, when the live segments passed the
    /// threshold, seals the open one and returns what to replay; <c>null</c> when there is nothing to compact.
    /// </summary>
    private CompactionPlan? PlanCompaction(BucketState state)
    {
        if (state.Manifest is null)
        {
            return null;
        }

        DeleteRetiredPastRetention(state);
        var segmentBytes = state.Manifest.Live.Segments.Sum(segment => SizeOf(state, segment.Name));
        if (segmentBytes <= _options.CompactionThresholdBytes)
        {
            return null;
        }

        var at = Now();
        var name = FileNames.Snapshot(state.LastSeq, at);
        if (state.Manifest.FileNames().Contains(name, StringComparer.Ordinal))
        {
            return null;
        }

        SealOpenSegment(state);
        var manifest = state.Manifest!;
        return new CompactionPlan(state.Directory, manifest.Live, state.LastSeq, HistoryPlanner.Plan(manifest, null, null), name, at, segmentBytes);
    }

    /// <summary>
    /// Under the semaphore again: switches the manifest to the new snapshot when the generation it was
    /// made from is still the live one (a grain's snapshot, an erasure or a repair may have replaced it
    /// meanwhile: then the new file is dropped). A replay that failed on an unchanged generation is damage.
    /// </summary>
    private bool FinishCompaction(BucketState state, CompactionPlan plan, Exception? failure)
    {
        var live = state.Manifest?.Live;
        var unchanged = live is not null
            && live.Snapshot == plan.Base.Snapshot
            && live.BaseSeq == plan.Base.BaseSeq
            && live.Segments.Count >= plan.Base.Segments.Count
            && live.Segments.Take(plan.Base.Segments.Count).SequenceEqual(plan.Base.Segments);
        if (!unchanged)
        {
            File.Delete(Path.Combine(plan.Directory, plan.SnapshotName));
            return false;
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }

        var manifest = state.Manifest!;
        var compacted = new ManifestGeneration
        {
            Origin = GenerationOrigin.Compaction,
            BaseSeq = plan.Seq,
            BaseAt = plan.At,
            Snapshot = plan.SnapshotName,
            Segments = [.. live!.Segments.Skip(plan.Base.Segments.Count)],
        };
        Commit(state, manifest with { Live = compacted, Retired = [.. manifest.Retired, plan.Base with { RetiredAt = plan.At }] });
        StorageLog.Compacted(_logger, state.BucketId, plan.SegmentBytes, plan.SnapshotName, plan.Seq);
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

    /// <summary>A compaction between its two turns under the semaphore: the sealed generation it replays (ending at change <c>Seq</c>) and the snapshot it writes.</summary>
    private sealed record CompactionPlan(string Directory, ManifestGeneration Base, long Seq, HistoryChain Chain, string SnapshotName, DateTimeOffset At, long SegmentBytes);
}
