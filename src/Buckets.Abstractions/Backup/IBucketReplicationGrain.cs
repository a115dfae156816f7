namespace Buckets.Abstractions.Backup;

/// <summary>The backup side of a bucket grain, called by the silo's pull coordinator only.</summary>
public interface IBucketReplicationGrain : IGrainWithStringKey
{
    /// <summary>Returns pending changes (or a snapshot when the journal cannot serve them), or <c>null</c> when none are pending.</summary>
    ValueTask<ChangeBatch?> CollectChangesAsync(int maxChanges);

    /// <summary>Applies the backup server's answer to a batch.</summary>
    ValueTask AcknowledgeAsync(BackupAck ack);

    /// <summary>
    /// Applies the answer to the previous batch (when there is one), then returns the pending changes
    /// as <see cref="CollectChangesAsync"/> does: one grain call per bucket per pull instead of two.
    /// </summary>
    ValueTask<ChangeBatch?> AcknowledgeAndCollectAsync(BackupAck? ack, int maxChanges);
}
