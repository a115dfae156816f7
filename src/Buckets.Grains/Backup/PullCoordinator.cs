using Buckets.Abstractions.Backup;
using Microsoft.Extensions.Logging;

namespace Buckets.Grains.Backup;

/// <summary>
/// The silo's side of a backup pull: delivers the previous pull's acknowledgements to their
/// buckets, then collects pending changes from this silo's dirty buckets only.
/// </summary>
public sealed partial class PullCoordinator(IGrainFactory grains, DirtyBuckets dirty, ILogger<PullCoordinator> logger)
{
    public async Task<PullResponse> PullAsync(PullRequest request)
    {
        await Task.WhenAll(request.Acks.Select(DeliverAsync));
        var ids = dirty.Take(request.MaxBatches + 1);
        var chosen = ids.Take(request.MaxBatches).ToList();
        var batches = await Task.WhenAll(chosen.Select(id => CollectAsync(id, request.MaxChangesPerBatch)));
        return new PullResponse([.. batches.OfType<ChangeBatch>()], ids.Count > chosen.Count);
    }

    private async Task DeliverAsync(BackupAck ack)
    {
        try
        {
            await grains.GetGrain<IBucketReplicationGrain>(ack.BucketId).AcknowledgeAsync(ack);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The bucket resends what was not acknowledged; nothing is lost by skipping this ack.
            LogAckFailed(logger, ack.BucketId, e);
        }
    }

    private async Task<ChangeBatch?> CollectAsync(string bucketId, int maxChanges)
    {
        try
        {
            return await grains.GetGrain<IBucketReplicationGrain>(bucketId).CollectChangesAsync(maxChanges);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogCollectFailed(logger, bucketId, e);
            return null;
        }
    }

    [LoggerMessage(1101, LogLevel.Warning, "Could not deliver a backup acknowledgement to bucket {BucketId}")]
    private static partial void LogAckFailed(ILogger logger, string bucketId, Exception exception);

    [LoggerMessage(1102, LogLevel.Warning, "Could not collect pending changes from bucket {BucketId}")]
    private static partial void LogCollectFailed(ILogger logger, string bucketId, Exception exception);
}
