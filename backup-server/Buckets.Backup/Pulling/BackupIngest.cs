using Buckets.Abstractions.Backup;
using Buckets.Backup.Status;
using Buckets.Backup.Storage;

namespace Buckets.Backup.Pulling;

/// <summary>Stores one batch (pulled or pushed) and turns the store's answer into an acknowledgement.</summary>
public sealed class BackupIngest(IBackupStore store, Cluster.ReplicaResync resync, BackupMetrics metrics, BackupHealth health, TimeProvider time)
{
    /// <summary>Stores the batch; throws (no acknowledgement: the bucket keeps the changes) while this server resyncs and has not copied the bucket back.</summary>
    public async Task<BackupAck> StoreAsync(ChangeBatch batch, CancellationToken cancellationToken)
    {
        resync.RequireCounts(batch.BucketId);
        var result = batch.IsSnapshot
            ? await store.AppendSnapshotAsync(batch.BucketId, batch.Epoch, batch.Englang, cancellationToken)
            : await store.AppendChangesAsync(batch.BucketId, batch.Epoch, batch.Englang, cancellationToken);
        if (result.Status == AckStatus.Stored)
        {
            var lag = FirstChangeLag(batch);
            metrics.Stored(batch.Englang.Length, lag);
            health.RecordStored(batch.BucketId, result.LastSeq, lag);
        }
        else
        {
            metrics.Refused(result.Status.ToString());
        }

        return new BackupAck(batch.BucketId, batch.Epoch, result.Status, result.LastSeq);
    }

    // The store has validated the lines: the first one's time is all the lag needs.
    private TimeSpan? FirstChangeLag(ChangeBatch batch) =>
        Englang.EnglangParser.TryReadTime(batch.Englang, out var at) ? time.GetUtcNow() - at : null;
}
