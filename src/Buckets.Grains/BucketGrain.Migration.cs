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

    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        if (!IsReady)
        {
            return;
        }

        var now = Now;
        dehydrationContext.AddBytes(StateKey, EnglangBatches.Snapshot(BucketId, now, _map.LastSeq, _policy, _map.LiveEntries(now)));
        dehydrationContext.TryAddValue(EpochKey, _epoch);
        dehydrationContext.TryAddValue(AcknowledgedKey, _forceSnapshot ? -1 : _map.Journal?.AcknowledgedSeq ?? _map.LastSeq);
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

        _epoch = epoch;
        // Unacknowledged changes did not travel one by one: the next pull sends a full snapshot instead.
        if (_map.Journal is not null && acknowledged < _map.LastSeq)
        {
            // Listed for the pull and kept from idle collection by ReportMetrics in OnActivateAsync.
            _forceSnapshot = true;
        }
    }
}
