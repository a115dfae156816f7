namespace Buckets.Abstractions.Backup;

/// <summary>The backup side of a bucket grain, called by the silo's pull coordinator only, on behalf of one replica (a backup server's id).</summary>
public interface IBucketReplicationGrain : IGrainWithStringKey
{
    /// <summary>Returns the changes the replica lacks (or a snapshot when the journal cannot serve them), or <c>null</c> when it lacks none or does not keep this bucket.</summary>
    ValueTask<ChangeBatch?> CollectChangesAsync(string replica, int maxChanges);

    /// <summary>Applies the replica's answer to a batch.</summary>
    ValueTask AcknowledgeAsync(string replica, BackupAck ack);

    /// <summary>
    /// Applies the replica's answer to the previous batch (when there is one), then returns what it lacks
    /// as <see cref="CollectChangesAsync"/> does: one grain call per bucket per pull instead of two.
    /// </summary>
    ValueTask<ChangeBatch?> AcknowledgeAndCollectAsync(string replica, BackupAck? ack, int maxChanges);

    /// <summary>The replica came back without the data it confirmed (a new data directory): nothing it acknowledged before counts, and it is sent the state whole.</summary>
    ValueTask ForgetReplicaAsync(string replica);
}
