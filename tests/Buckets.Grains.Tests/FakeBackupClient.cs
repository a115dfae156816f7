using System.Collections.Concurrent;
using Buckets.Abstractions.Backup;
using Buckets.Grains.Backup;

namespace Buckets.Grains.Tests;

/// <summary>
/// A backup server a test controls: it grants epochs with an empty saved state (and a chosen last
/// change), stores every batch it is sent unless told to fail for a bucket, and remembers them.
/// </summary>
public sealed class FakeBackupClient : IBackupClient
{
    private readonly ConcurrentDictionary<string, long> _grantedLastSeq = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _failing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ChangeBatch>> _appended = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IReadOnlyList<byte[]>> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StateReadHold> _heldReads = new(StringComparer.Ordinal);
    private long _epoch;

    public bool IsEnabled => true;

    /// <summary>The next epoch granted to <paramref name="bucketId"/> says the backup holds changes up to <paramref name="lastSeq"/>.</summary>
    public void GrantLastSeq(string bucketId, long lastSeq) => _grantedLastSeq[bucketId] = lastSeq;

    /// <summary>Appends for <paramref name="bucketId"/> throw, as when the backup server cannot be reached.</summary>
    public void FailAppends(string bucketId) => _failing[bucketId] = 0;

    public void StoreAppends(string bucketId) => _failing.TryRemove(bucketId, out _);

    /// <summary>A restore of <paramref name="bucketId"/> reads this saved state, in these pieces.</summary>
    public void ServeState(string bucketId, IReadOnlyList<byte[]> pieces) => _states[bucketId] = pieces;

    public IReadOnlyList<ChangeBatch> Appended(string bucketId) =>
        _appended.TryGetValue(bucketId, out var batches) ? [.. batches] : [];

    public Task<BackupEpoch> OpenEpochAsync(string bucketId, EpochRequest request, CancellationToken cancellationToken) =>
        Task.FromResult(new BackupEpoch(Interlocked.Increment(ref _epoch), _grantedLastSeq.GetValueOrDefault(bucketId), []));

    public Task<BackupAck> AppendAsync(ChangeBatch batch, CancellationToken cancellationToken)
    {
        if (_failing.ContainsKey(batch.BucketId))
        {
            throw new HttpRequestException("The fake backup server is unreachable for " + batch.BucketId);
        }

        _appended.GetOrAdd(batch.BucketId, _ => new()).Enqueue(batch);
        return Task.FromResult(new BackupAck(batch.BucketId, batch.Epoch, AckStatus.Stored, batch.ToSeq));
    }

    /// <summary>
    /// The next read of <paramref name="bucketId"/>'s saved state waits until the returned gate opens;
    /// <paramref name="reading"/> completes once that read is waiting.
    /// </summary>
    public TaskCompletionSource HoldStateRead(string bucketId, out Task reading)
    {
        var hold = new StateReadHold();
        _heldReads[bucketId] = hold;
        reading = hold.Reading.Task;
        return hold.Gate;
    }

    public async Task<IReadOnlyList<byte[]>?> ReadStateAsync(string bucketId, long? atSeq, DateTimeOffset? atTime, CancellationToken cancellationToken)
    {
        if (_heldReads.TryRemove(bucketId, out var hold))
        {
            hold.Reading.SetResult();
            await hold.Gate.Task.WaitAsync(cancellationToken);
        }

        return _states.GetValueOrDefault(bucketId);
    }

    public Task EraseAsync(string bucketId, CancellationToken cancellationToken) => Task.CompletedTask;

    private sealed class StateReadHold
    {
        public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Reading { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
