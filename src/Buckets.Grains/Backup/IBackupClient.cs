using Buckets.Abstractions.Backup;

namespace Buckets.Grains.Backup;

/// <summary>
/// How a bucket grain talks to the backup server: over HTTP in the cluster profile, in-process in
/// the development profile. Any exception means "not confirmed": callers must treat the outcome as unknown.
/// </summary>
public interface IBackupClient
{
    /// <summary>True when a backup server exists; false for a pure-cache deployment.</summary>
    bool IsEnabled { get; }

    /// <summary>Fences older activations and returns the saved state to start from.</summary>
    Task<BackupEpoch> OpenEpochAsync(string bucketId, CancellationToken cancellationToken);

    /// <summary>Stores change lines (or a snapshot) durably before returning the acknowledgement.</summary>
    Task<BackupAck> AppendAsync(ChangeBatch batch, CancellationToken cancellationToken);

    /// <summary>Reads the saved state at a point, as an Englang snapshot in consecutive pieces; <c>null</c> when the bucket has no backup.</summary>
    Task<IReadOnlyList<byte[]>?> ReadStateAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken);

    /// <summary>Deletes the bucket's backup files, leaving an audit line without data.</summary>
    Task EraseAsync(string bucketId, CancellationToken cancellationToken);
}
