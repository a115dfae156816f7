namespace Buckets.Grains.Memory;

/// <summary>Reads how many bytes the silo holds, for <see cref="MemoryPressureMonitor"/>. Called from one thread at a time.</summary>
public interface IMemoryGauge
{
    /// <summary>The bytes to hold against the high-water mark.</summary>
    long ReadBytes();
}
