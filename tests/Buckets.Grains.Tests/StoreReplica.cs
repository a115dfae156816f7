using Buckets.Abstractions.Backup;
using Buckets.Backup.Storage;
using Buckets.Grains.Backup;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Buckets.Grains.Tests;

/// <summary>
/// One backup replica for grain tests: a real <see cref="FileBackupStore"/> on its own temporary
/// directory, called in-process, which a test can take down (every call throws, as a dead server's)
/// and bring back, or wipe (a new empty directory, as a replaced disk).
/// </summary>
public sealed class StoreReplica : IBackupClient, IDisposable
{
    private string _directory = NewDirectory();
    private FileBackupStore _store;

    public StoreReplica(string id)
    {
        Id = id;
        _store = Open(_directory);
    }

    public string Id { get; }

    public bool Down { get; set; }

    public bool IsEnabled => true;

    public FileBackupStore Store => _store;

    public Task<BackupEpoch> OpenEpochAsync(string bucketId, EpochRequest request, CancellationToken cancellationToken) => Call(async () =>
    {
        var grant = await _store.OpenEpochAsync(bucketId, request, cancellationToken);
        return new BackupEpoch(grant.Epoch, grant.LastSeq, request.WithState ? [grant.Snapshot] : []) { Granted = grant.Granted, WriterEpoch = grant.WriterEpoch };
    });

    public Task<BackupAck> AppendAsync(ChangeBatch batch, CancellationToken cancellationToken) => Call(async () =>
    {
        var result = batch.IsSnapshot
            ? await _store.AppendSnapshotAsync(batch.BucketId, batch.Epoch, batch.Englang, cancellationToken)
            : await _store.AppendChangesAsync(batch.BucketId, batch.Epoch, batch.Englang, cancellationToken);
        return new BackupAck(batch.BucketId, batch.Epoch, result.Status, result.LastSeq);
    });

    public Task<IReadOnlyList<byte[]>?> ReadStateAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken) => Call(async () =>
        await _store.ReadStateAsync(bucketId, atSeq, atTime, cancellationToken) is { } state ? (IReadOnlyList<byte[]>?)[state.Snapshot] : null);

    public Task EraseAsync(string bucketId, CancellationToken cancellationToken) => Call(async () =>
    {
        await _store.EraseAsync(bucketId, DateTimeOffset.UtcNow, cancellationToken);
        return true;
    });

    /// <summary>Replaces the replica's disk with an empty one, as a server that lost its data directory comes back.</summary>
    public void Wipe()
    {
        _store.Dispose();
        Delete(_directory);
        _directory = NewDirectory();
        _store = Open(_directory);
    }

    /// <summary>The entries this replica holds for the bucket, as a restore would read them.</summary>
    public async Task<IReadOnlyDictionary<string, string>> EntriesAsync(string bucketId)
    {
        var state = await _store.ReadStateAsync(bucketId, null, null, CancellationToken.None);
        if (state is null)
        {
            return new Dictionary<string, string>();
        }

        using var stream = new MemoryStream(state.Snapshot);
        var replayed = Englang.BucketReplayer.Replay([("state", stream)], new Englang.ReplayOptions(DateTimeOffset.UtcNow));
        return replayed.State.Entries.ToDictionary(e => e.Key, e => System.Text.Encoding.UTF8.GetString(e.Value.Value), StringComparer.Ordinal);
    }

    public void Dispose()
    {
        _store.Dispose();
        Delete(_directory);
    }

    private static FileBackupStore Open(string directory) =>
        new(Options.Create(new BackupStoreOptions { DataDirectory = directory }), TimeProvider.System, NullLogger<FileBackupStore>.Instance);

    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "buckets-replica-tests", Guid.NewGuid().ToString("N"));

    private static void Delete(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<T> Call<T>(Func<Task<T>> call)
    {
        if (Down)
        {
            throw new HttpRequestException($"Backup replica {Id} is down.");
        }

        return await call();
    }
}
