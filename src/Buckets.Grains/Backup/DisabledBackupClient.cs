using Buckets.Abstractions.Backup;

namespace Buckets.Grains.Backup;

/// <summary>
/// The client of a deployment without a backup server (<c>Buckets:Backup:Mode = None</c>): every
/// bucket starts empty and behaves as <c>cache</c>; asking for a durable class is refused.
/// </summary>
public sealed class DisabledBackupClient : IBackupClient
{
    public bool IsEnabled => false;

    public Task<BackupEpoch> OpenEpochAsync(string bucketId, EpochRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new BackupEpoch(1, 0, []));

    public Task<BackupAck> AppendAsync(ChangeBatch batch, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("Backups are disabled (Buckets:Backup:Mode is None).");

    public Task<IReadOnlyList<byte[]>?> ReadStateAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<byte[]>?>(null);

    public Task EraseAsync(string bucketId, CancellationToken cancellationToken) => Task.CompletedTask;
}
