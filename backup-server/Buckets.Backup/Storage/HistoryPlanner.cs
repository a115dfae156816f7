namespace Buckets.Backup.Storage;

/// <summary>
/// Chooses the files that hold a bucket's state at a target: the newest base at or before the
/// target (retired generations included), then the change segments after it.
/// </summary>
internal static class HistoryPlanner
{
    public static HistoryChain Plan(BucketManifest manifest, long? atSeq, DateTimeOffset? atTime)
    {
        var generations = manifest.Generations().ToList();
        var index = generations.FindLastIndex(generation => IsEligible(generation, atSeq, atTime));
        if (index < 0)
        {
            var target = atSeq is { } seq ? $"change {seq}" : $"{atTime:O}";
            throw new BackupHistoryUnavailableException(
                $"The backup of bucket {manifest.BucketId} no longer holds its state at {target}: older files are past retention or were erased.");
        }

        var chosen = generations[index];
        var files = chosen.FileNames().ToList();
        var end = EndOf(chosen);

        // A compaction snapshot is stamped with the time it was written, which may be later than
        // changes that follow it (they carry the grain's clock). A read at a time before the
        // snapshot therefore continues through the segments after it; the replay stops at the first
        // change later than the target. Grain snapshots may skip changes, so the chain ends there.
        for (var next = index + 1; next < generations.Count; next++)
        {
            var generation = generations[next];
            if (atTime is null || generation.Origin != GenerationOrigin.Compaction || generation.BaseSeq != end || (atSeq is { } stop && end >= stop))
            {
                break;
            }

            files.AddRange(generation.Segments.Select(segment => segment.Name));
            end = EndOf(generation);
        }

        return new HistoryChain(chosen, files);
    }

    private static bool IsEligible(ManifestGeneration generation, long? atSeq, DateTimeOffset? atTime)
    {
        if (atSeq is { } seq && generation.BaseSeq > seq)
        {
            return false;
        }

        // An empty base (the first generation, or an erasure that dropped everything before it) holds at any time.
        return atTime is not { } time || generation.Snapshot is null || generation.BaseAt <= time;
    }

    /// <summary>The last change a generation holds per the manifest (an open segment's end is not recorded there).</summary>
    private static long EndOf(ManifestGeneration generation) =>
        generation.Segments.Count > 0 ? generation.Segments[^1].ToSeq ?? long.MaxValue : generation.BaseSeq;
}
