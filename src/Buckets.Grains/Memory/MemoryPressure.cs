namespace Buckets.Grains.Memory;

/// <summary>
/// The silo's verdict on memory, read by every write: a volatile flag that only
/// <see cref="MemoryPressureMonitor"/> changes (every <see cref="MemoryOptions.CheckInterval"/>), so
/// the request path costs one memory read and no lock. Also sums the bytes the silo's buckets hold
/// (entries plus journals, as <c>BucketMap</c> and <c>ChangeJournal</c> account them), which each
/// bucket reports as it changes. Thread-safe.
/// </summary>
public sealed class MemoryPressure
{
    private volatile bool _underPressure;
    private long _heldBytes;
    private long _measuredBytes;

    /// <summary>True while the silo is above its high-water mark (and not yet back below the recovery mark).</summary>
    public bool IsUnderPressure => _underPressure;

    /// <summary>Key, value and journal bytes held by this silo's active buckets.</summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>The bytes the last check measured.</summary>
    public long MeasuredBytes => Interlocked.Read(ref _measuredBytes);

    /// <summary>The high-water mark in force, in bytes.</summary>
    public long HighWaterBytes { get; internal set; }

    /// <summary>A bucket reports the change in its own share of <see cref="HeldBytes"/>.</summary>
    public void AddHeldBytes(long delta)
    {
        if (delta != 0)
        {
            Interlocked.Add(ref _heldBytes, delta);
        }
    }

    /// <summary>Records a measurement; returns true when it moved the silo into or out of pressure.</summary>
    internal bool Update(long measuredBytes, long highWaterBytes, long recoveryBytes)
    {
        Interlocked.Exchange(ref _measuredBytes, measuredBytes);
        HighWaterBytes = highWaterBytes;
        var next = _underPressure ? measuredBytes >= recoveryBytes : measuredBytes >= highWaterBytes;
        if (next == _underPressure)
        {
            return false;
        }

        _underPressure = next;
        return true;
    }
}
