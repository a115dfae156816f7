using System.Buffers;
using Buckets.Abstractions;
using Buckets.Grains.Backup;

namespace Buckets.Grains;

/// <summary>
/// Graceful moves: when its silo shuts down, a bucket migrates to another silo carrying its whole
/// state (cache buckets included) instead of being dropped; the backup path covers crashes. Orleans
/// carries a migration in one message, bounded by its message size limit (100 MB by default), so a
/// bucket whose entries take more than <see cref="BucketGrainOptions.TransferChunkBytes"/> leaves
/// its state in a <see cref="IBucketHandoffGrain"/>, one bounded message per piece, and the
/// migration carries only where to find it; the arriving activation takes the pieces before it serves.
/// </summary>
public sealed partial class BucketGrain : IGrainMigrationParticipant
{
    private const string StateKey = "buckets.state";
    private const string EpochKey = "buckets.epoch";
    private const string AcknowledgedKey = "buckets.acknowledged";
    private const string HandoffKey = "buckets.handoff";
    private const string HandoffPiecesKey = "buckets.handoff.pieces";
    private const long SnapshotOwedMarker = -1;

    /// <summary>Where this activation left its state for the next one (leaving), or where to take it from (arriving).</summary>
    private (string Key, int Pieces)? _handoff;
    private (long Epoch, long Acknowledged)? _arrivingLink;

    public void OnDehydrate(IDehydrationContext dehydrationContext)
    {
        StopDirectReads();
        if (!_link.Serves)
        {
            return;
        }

        if (_handoff is { } handoff)
        {
            dehydrationContext.TryAddValue(HandoffKey, handoff.Key);
            dehydrationContext.TryAddValue(HandoffPiecesKey, handoff.Pieces);
        }
        else
        {
            var now = Now;
            dehydrationContext.AddBytes(StateKey, EnglangBatches.Snapshot(BucketId, now, _map.LastSeq, _policy, _map.LiveEntries(now)));
        }

        dehydrationContext.TryAddValue(EpochKey, _link.DehydratedEpoch);
        // Wire format kept across versions (a rolling update mixes them): -1 means "a snapshot is owed".
        dehydrationContext.TryAddValue(AcknowledgedKey, HoldsUnstoredChanges ? SnapshotOwedMarker : _map.Journal?.AcknowledgedSeq ?? _map.LastSeq);
    }

    public void OnRehydrate(IRehydrationContext rehydrationContext)
    {
        if (!rehydrationContext.TryGetValue(EpochKey, out long epoch)
            || !rehydrationContext.TryGetValue(AcknowledgedKey, out long acknowledged))
        {
            return;
        }

        if (rehydrationContext.TryGetValue(HandoffKey, out string? key) && key is not null
            && rehydrationContext.TryGetValue(HandoffPiecesKey, out int pieces))
        {
            // Rehydration cannot wait for grain calls: the pieces are taken in OnActivateAsync.
            _handoff = (key, pieces);
            _arrivingLink = (epoch, acknowledged);
            return;
        }

        if (!rehydrationContext.TryGetBytes(StateKey, out var bytes))
        {
            return;
        }

        try
        {
            Arrive(EnglangBatches.Load(bytes.ToArray(), Now), epoch, acknowledged);
        }
        catch (InvalidDataException e)
        {
            // Fall back to the ordinary path: load the saved state from the backup server.
            GrainsLog.RehydrateFailed(_logger, BucketId, e);
        }
    }

    /// <summary>Leaving: a bucket too large for one migration message puts its state in pieces first.</summary>
    private async Task LeaveStateInPiecesAsync(CancellationToken cancellationToken)
    {
        _handoff = null;
        if (_map.StoredBytes < _options.TransferChunkBytes)
        {
            return;
        }

        var key = $"{BucketId}/{Guid.NewGuid():N}";
        var holder = GrainFactory.GetGrain<IBucketHandoffGrain>(key);
        var now = Now;
        var pieces = 0;
        try
        {
            foreach (var piece in EnglangBatches.SnapshotChunks(BucketId, now, _map.LastSeq, _policy, _map.CaptureLive(now), _options.TransferChunkBytes))
            {
                cancellationToken.ThrowIfCancellationRequested();
                await holder.PutAsync(pieces++, piece);
            }

            _handoff = (key, pieces);
            GrainsLog.HandoffLeft(_logger, BucketId, pieces, _map.StoredBytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The state travels in the migration message instead, as far as Orleans lets it.
            GrainsLog.HandoffFailed(_logger, BucketId, e);
            await DropQuietlyAsync(holder);
        }
    }

    /// <summary>Arriving: takes the pieces in order and loads them; on failure the bucket rehydrates from the backup server instead.</summary>
    private async Task TakeStateFromPiecesAsync()
    {
        if (_handoff is not { } handoff || _arrivingLink is not { } link)
        {
            return;
        }

        _handoff = null;
        _arrivingLink = null;
        var holder = GrainFactory.GetGrain<IBucketHandoffGrain>(handoff.Key);
        try
        {
            var pieces = new List<byte[]>(handoff.Pieces);
            for (var i = 0; i < handoff.Pieces; i++)
            {
                pieces.Add(await holder.TakeAsync(i) ?? throw new InvalidDataException($"Piece {i} of {handoff.Pieces} of the hand-off {handoff.Key} is missing."));
            }

            Arrive(EnglangBatches.Load(pieces, Now), link.Epoch, link.Acknowledged);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            GrainsLog.RehydrateFailed(_logger, BucketId, e);
            await DropQuietlyAsync(holder);
        }
    }

    private void Arrive(Englang.ReplayState state, long epoch, long acknowledged)
    {
        // Unacknowledged changes did not travel one by one: every replica's next pull gets a full snapshot instead.
        // Listed for the pulls and kept from idle collection by ReportMetrics in OnActivateAsync.
        LoadState(state, state.LastSeq, EnglangBatches.Policy(state), backupHoldsState: acknowledged >= state.LastSeq);
        _link.Arrive(epoch);
    }

    private async Task DropQuietlyAsync(IBucketHandoffGrain holder)
    {
        try
        {
            await holder.DropAsync();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Left to idle collection.
            GrainsLog.HandoffFailed(_logger, BucketId, e);
        }
    }
}
