using System.Collections.Concurrent;

namespace Buckets.Core.Security;

/// <summary>
/// This process's copy of the revocation store, read on every authentication without I/O and
/// refreshed from the store by <see cref="RunAsync"/> every refresh interval, reading only what
/// changed. A revocation made anywhere is therefore honoured within one refresh interval (plus one
/// read). If the store cannot be read, the copy grows stale; once it is older than the maximum
/// staleness every key is refused, so no process honours a revoked key for longer than that.
/// Thread-safe.
/// </summary>
public sealed class RevocationList
{
    private readonly IRevocationStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _maxStaleness;
    private readonly ConcurrentDictionary<string, long> _firstValidSerials = new(StringComparer.Ordinal);
    private long _lastChange;

    // Timestamp at which the newest successful read started; 0 until the first one.
    private long _freshAsOf;

    public RevocationList(IRevocationStore store, TimeProvider time, TimeSpan maxStaleness)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxStaleness, TimeSpan.Zero);
        _store = store;
        _time = time;
        _maxStaleness = maxStaleness;
    }

    /// <summary>True when the copy was read from the store at most the maximum staleness ago.</summary>
    public bool IsCurrent
    {
        get
        {
            var freshAsOf = Interlocked.Read(ref _freshAsOf);
            return freshAsOf != 0 && _time.GetElapsedTime(freshAsOf) <= _maxStaleness;
        }
    }

    /// <summary>Revocations held (buckets whose keys were revoked at least once).</summary>
    public int Count => _firstValidSerials.Count;

    /// <summary>False when the key of <paramref name="bucketId"/> with <paramref name="serial"/> is revoked, or the copy is too stale to tell.</summary>
    public bool Allows(string bucketId, long serial) =>
        IsCurrent && (!_firstValidSerials.TryGetValue(bucketId, out var firstValid) || serial >= firstValid);

    /// <summary>Takes a revocation this process just made into account without waiting for the next refresh.</summary>
    public void Apply(KeyRevocation revocation)
    {
        ArgumentNullException.ThrowIfNull(revocation);
        _firstValidSerials.AddOrUpdate(revocation.BucketId, revocation.FirstValidSerial, (_, held) => Math.Max(held, revocation.FirstValidSerial));
    }

    /// <summary>Reads what changed in the store since the last read.</summary>
    /// <exception cref="Exception">Whatever the store throws; the copy is left as it was.</exception>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        // Overlapping refreshes are harmless: applying a revocation twice keeps the higher serial,
        // and both the change number and the freshness only move forward.
        var started = _time.GetTimestamp();
        var changes = await _store.ReadSinceAsync(Interlocked.Read(ref _lastChange), cancellationToken);
        foreach (var revocation in changes.Revocations)
        {
            Apply(revocation);
        }

        RaiseTo(ref _lastChange, changes.LastChange);
        RaiseTo(ref _freshAsOf, started);
    }

    private static void RaiseTo(ref long field, long value)
    {
        var seen = Interlocked.Read(ref field);
        while (value > seen && Interlocked.CompareExchange(ref field, value, seen) != seen)
        {
            seen = Interlocked.Read(ref field);
        }
    }

    /// <summary>
    /// Refreshes now and then every <paramref name="interval"/> until <paramref name="cancellationToken"/>
    /// fires, then returns (a read in flight is abandoned); a failed read goes to
    /// <paramref name="onFailure"/> and is retried at the next tick.
    /// </summary>
    public async Task RunAsync(TimeSpan interval, Action<Exception> onFailure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onFailure);
        using var timer = new PeriodicTimer(interval, _time);
        do
        {
            try
            {
                await RefreshAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                onFailure(ex);
            }
        }
        while (await WaitAsync(timer, cancellationToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
