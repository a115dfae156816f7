namespace Buckets.Grains.Memory;

/// <summary>
/// The larger of two views of the silo's memory. The GC's heap size after its last collection is
/// what the process really holds (entry tables, journals, Orleans and Kestrel buffers, fragmentation)
/// and so what an OOM kill is judged by; the buckets' accounted bytes react at once to a burst of
/// writes, before a collection has run to show it. Garbage is not counted: it is freed before the
/// runtime would fail an allocation.
/// </summary>
public sealed class GcMemoryGauge(MemoryPressure pressure) : IMemoryGauge
{
    public long ReadBytes() => Math.Max(GC.GetGCMemoryInfo().HeapSizeBytes, pressure.HeldBytes);
}
