using Buckets.Abstractions.Backup;
using Buckets.Backup.Pulling;
using Buckets.Backup.Storage;
using Buckets.Grains.Backup;

namespace Buckets.Server.Backup;

/// <summary>The development profile's client: calls the backup store hosted in this process.</summary>
public sealed class InProcessBackupClient(IBackupStore store, BackupIngest ingest, TimeProvider time) : IBackupClient
{
    public bool IsEnabled => true;

    public async Task<BackupEpoch> OpenEpochAsync(string bucketId, EpochRequest request, CancellationToken cancellationToken)
    {
        var grant = await store.OpenEpochAsync(bucketId, request, cancellationToken);
        // The store in this process already holds the state in one array: nothing travels.
        return new BackupEpoch(grant.Epoch, grant.LastSeq, request.WithState ? [grant.Snapshot] : []) { Granted = grant.Granted, WriterEpoch = grant.WriterEpoch };
    }

    public Task<BackupAck> AppendAsync(ChangeBatch batch, CancellationToken cancellationToken) => ingest.StoreAsync(batch, cancellationToken);

    public async Task<IReadOnlyList<byte[]>?> ReadStateAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken)
    {
        try
        {
            return await store.ReadStateAsync(bucketId, atSeq, atTime, cancellationToken) is { } state ? [state.Snapshot] : null;
        }
        catch (BackupCorruptException e)
        {
            throw new BackupReadException(e.Message, e) { Damaged = true };
        }
        catch (BackupHistoryUnavailableException e)
        {
            throw new BackupReadException(e.Message, e);
        }
    }

    public Task<StoredChanges?> ReadChangesAsync(string bucketId, long afterSeq, int maxChanges, CancellationToken cancellationToken) =>
        ChangeHistory.ReadAsync(store, bucketId, afterSeq, maxChanges, int.MaxValue, cancellationToken);

    public Task EraseAsync(string bucketId, CancellationToken cancellationToken) => store.EraseAsync(bucketId, time.GetUtcNow(), cancellationToken);
}
