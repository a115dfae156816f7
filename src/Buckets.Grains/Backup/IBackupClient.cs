using Buckets.Abstractions.Backup;

namespace Buckets.Grains.Backup;

/// <summary>
/// How a bucket grain talks to one backup server (one replica): over HTTP in the cluster profile,
/// in-process in the development profile. Any exception means "not confirmed": callers must treat
/// the outcome as unknown. Which servers keep a bucket is <see cref="BackupReplicas"/>' business.
/// </summary>
public interface IBackupClient
{
    /// <summary>True when a backup server exists; false for a pure-cache deployment.</summary>
    bool IsEnabled { get; }

    /// <summary>Asks for an epoch (fencing older activations at this replica when granted), with the saved state when asked for.</summary>
    Task<BackupEpoch> OpenEpochAsync(string bucketId, EpochRequest request, CancellationToken cancellationToken);

    /// <summary>Stores change lines (or a snapshot) durably before returning the acknowledgement.</summary>
    Task<BackupAck> AppendAsync(ChangeBatch batch, CancellationToken cancellationToken);

    /// <summary>Reads the saved state at a point, as an Englang snapshot in consecutive pieces; <c>null</c> when the bucket has no backup.</summary>
    Task<IReadOnlyList<byte[]>?> ReadStateAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken);

    /// <summary>
    /// The stored change lines after <paramref name="afterSeq"/> (at most <paramref name="maxChanges"/>),
    /// for the change feed; <c>null</c> when the bucket has no backup here or this client cannot read changes.
    /// </summary>
    Task<StoredChanges?> ReadChangesAsync(string bucketId, long afterSeq, int maxChanges, CancellationToken cancellationToken) =>
        Task.FromResult<StoredChanges?>(null);

    /// <summary>Deletes the bucket's backup files, leaving an audit line without data.</summary>
    Task EraseAsync(string bucketId, CancellationToken cancellationToken);
}
