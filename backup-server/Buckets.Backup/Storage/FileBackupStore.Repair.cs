using System.Globalization;
using Buckets.Backup.Events;
using Buckets.Englang;

namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public Task<BucketRepair?> RepairAsync(string bucketId, CancellationToken cancellationToken) =>
        WithUnloadedBucketAsync(bucketId, "repair", Repair, cancellationToken);

    /// <summary>
    /// An operator accepts the loss in a bucket that fails closed: the longest readable prefix of its
    /// live generation becomes a snapshot numbered above every change the store ever acknowledged
    /// (so a grain numbers on above them), the damaged generation is retired as it is (kept for the
    /// retention period, for forensics), and the epoch moves on so no earlier activation writes.
    /// </summary>
    private BucketRepair? Repair(BucketState state)
    {
        var manifest = ManifestFile.Load(state.Directory, state.BucketId);
        if (manifest is null)
        {
            return null;
        }

        try
        {
            Load(state);
            return new BucketRepair(state.BucketId, false, state.LastSeq, state.LastSeq, 0);
        }
        catch (BackupCorruptException)
        {
            // Damaged: repair below. The state is not loaded; the repair works from the files alone.
        }

        var now = Now();
        var (good, highestSeen) = ReadablePrefix(state, manifest.Live, now);
        var lastAcknowledged = Math.Max(Math.Max(manifest.LastSeq, good.LastSeq), highestSeen);
        var newSeq = lastAcknowledged + 1;
        var name = FileNames.Snapshot(newSeq, now);
        DurableFiles.WriteAtomically(state.PathOf(name), stream => SnapshotWriter.Write(stream, state.BucketId, now, Renumbered(good, newSeq)));
        var retired = manifest.Live with
        {
            RetiredAt = now,
            Segments = [.. manifest.Live.Segments
                .Where(segment => File.Exists(state.PathOf(segment.Name)))
                .Select(segment => segment.IsOpen ? segment with { ToSeq = lastAcknowledged } : segment)],
        };
        state.LastSeq = newSeq;
        state.LastChangeAt = now;
        Commit(state, manifest with
        {
            Epoch = manifest.Epoch + 1,
            Live = new ManifestGeneration { Origin = GenerationOrigin.Repair, BaseSeq = newSeq, BaseAt = now, Snapshot = name },
            Retired = [.. manifest.Retired, retired],
            Erased = false,
        });

        // The retired open segment keeps its name (a rename could not be finished for a missing file);
        // the next load sees a clean snapshot-only live generation.
        Invalidate(state);
        var lost = lastAcknowledged - good.LastSeq;
        StorageLog.Repaired(_logger, state.BucketId, good.LastSeq, lastAcknowledged, lost, newSeq);
        _events?.Clear(BackupEventKind.CorruptionFound, state.BucketId);
        _events?.Raise(
            BackupEventKind.CorruptionRepaired,
            BackupEventSeverity.Warning,
            $"The backup of bucket {state.BucketId} was repaired: changes through {good.LastSeq} kept, {lost} acknowledged changes lost, recorded as change {newSeq}.",
            new Dictionary<string, string>
            {
                ["bucketId"] = state.BucketId,
                ["keptSeq"] = good.LastSeq.ToString(CultureInfo.InvariantCulture),
                ["lost"] = lost.ToString(CultureInfo.InvariantCulture),
                ["newSeq"] = newSeq.ToString(CultureInfo.InvariantCulture),
            });
        return new BucketRepair(state.BucketId, true, good.LastSeq, newSeq, lost);
    }

    /// <summary>
    /// The state after every change of the live generation up to the first damage, missing file or
    /// gap, and the highest change number any readable line or sealed segment name of it shows.
    /// </summary>
    private static (ReplayState State, long HighestSeen) ReadablePrefix(BucketState state, ManifestGeneration live, DateTimeOffset now)
    {
        var records = new List<EnglangRecord>();
        if (live.Snapshot is { } snapshot && File.Exists(state.PathOf(snapshot)))
        {
            var read = EnglangReader.ReadFile(state.PathOf(snapshot));
            if (read.Errors.Count == 0 && read.TornTail is null)
            {
                records.AddRange(read.Items.Select(item => item.Record));
            }
        }

        var options = new ReplayOptions(now) { IncludeExpired = false };
        var baseState = records.Count > 0 && BucketReplayer.Replay(records, options) is { Succeeded: true } based ? based.State : null;
        if (baseState is null)
        {
            records.Clear();
            using var empty = HistoryReader.EmptyBase(state.BucketId, live.Snapshot is null ? live.BaseSeq : 0);
            records.AddRange(EnglangReader.Read(empty, "empty").Items.Select(item => item.Record));
        }

        var next = (baseState?.LastSeq ?? (live.Snapshot is null ? live.BaseSeq : 0)) + 1;
        var highestSeen = live.BaseSeq;
        var intact = true;
        foreach (var segment in live.Segments)
        {
            highestSeen = Math.Max(highestSeen, segment.ToSeq ?? segment.FromSeq - 1);
            if (!File.Exists(state.PathOf(segment.Name)))
            {
                intact = false;
                continue;
            }

            var read = EnglangReader.ReadFile(state.PathOf(segment.Name));
            var firstError = read.Errors.Count > 0 ? read.Errors[0].Line : long.MaxValue;
            foreach (var item in read.Items)
            {
                if (item.Record is not IChangeRecord change)
                {
                    continue;
                }

                highestSeen = Math.Max(highestSeen, change.Seq);
                if (intact && item.LineNumber < firstError && change.Seq == next)
                {
                    records.Add(item.Record);
                    next++;
                }
            }

            intact &= read.Errors.Count == 0 && (segment.ToSeq is not { } to || next > to);
        }

        return (BucketReplayer.Replay(records, options).State, highestSeen);
    }

    private static ReplayState Renumbered(ReplayState state, long seq) => new()
    {
        Entries = state.Entries,
        LastSeq = seq,
        Durability = state.Durability,
        DefaultTtl = state.DefaultTtl,
        Erased = false,
    };
}
