using System.Buffers;
using Buckets.Grains.Backup;

namespace Buckets.Grains;

/// <summary>
/// Graceful moves: when its silo shuts down, a bucket migrates to another silo carrying its whole
/// state (cache buckets included) instead of being dropped; the backup path covers crashes.
/// </summary>
public sealed partial class BucketGrain : IGrainMigrationParticipant
{
    private const string StateKey = "buckets.state";
    private const string EpochKey = "buckets.epoch";
    private const string AcknowledgedKey = "buckets.acknowledged";
    private const long SnapshotOwedMarker = -1;

    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (!_link.Serves)
        {
            return;
        }

        var now = Now;
        dehydrationContext.AddBytes(StateKey, EnglangBatches.Snapshot(BucketId, now, _map.LastSeq, _policy, _map.LiveEntries(now)));
        dehydrationContext.TryAddValue(EpochKey, _link.DehydratedEpoch);
        // Wire format kept across versions (a rolling update mixes them): -1 means "a snapshot is owed".
        dehydrationContext.TryAddValue(AcknowledgedKey, _link.SnapshotOwed ? SnapshotOwedMarker : _map.Journal?.AcknowledgedSeq ?? _map.LastSeq);
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (!rehydrationContext.TryGetBytes(StateKey, out var bytes)
            || !rehydrationContext.TryGetValue(EpochKey, out long epoch)
            || !rehydrationContext.TryGetValue(AcknowledgedKey, out long acknowledged))
        {
            return;
        }

        try
        {
            var state = EnglangBatches.Load(bytes.ToArray(), Now);
            LoadState(state, state.LastSeq, EnglangBatches.Policy(state));
        }
        catch (InvalidDataException e)
        {
            // Fall back to the ordinary path: load the saved state from the backup server.
            GrainsLog.RehydrateFailed(_logger, BucketId, e);
            return;
        }

        // Unacknowledged changes did not travel one by one: the next pull sends a full snapshot instead.
        // Listed for the pull and kept from idle collection by ReportMetrics in OnActivateAsync.
        _link.Arrive(epoch, snapshotOwed: _map.Journal is not null && acknowledged < _map.LastSeq);
    }
}
