using Buckets.Grains.Memory;

namespace Buckets.Grains.Tests;

/// <summary>A memory reading a test sets, so pressure comes and goes on cue instead of with the GC.</summary>
public sealed class FakeMemoryGauge : IMemoryGauge
{
    private long _bytes;

    public long Bytes
    {
        get => Interlocked.Read(ref _bytes);
        set => Interlocked.Exchange(ref _bytes, value);
    }

    public long ReadBytes() => Bytes;
}
