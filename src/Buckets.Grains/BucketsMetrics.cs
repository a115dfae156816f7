using System.Diagnostics.Metrics;
using Buckets.Grains.Memory;

namespace Buckets.Grains;

/// <summary>Silo-wide bucket metrics (meter <c>Buckets</c>). Thread-safe.</summary>
public sealed class BucketsMetrics : IDisposable
{
    public const string MeterName = "Buckets";

    private readonly Meter _meter;
    private readonly UpDownCounter<long> _activeBuckets;
    private readonly UpDownCounter<long> _entries;
    private readonly Counter<long> _expirations;
    private readonly Counter<long> _journalOverflows;
    private readonly UpDownCounter<long> _journalPending;
    private readonly UpDownCounter<long> _memoryPressure;
    private readonly Counter<long> _memoryPressureEpisodes;
    private readonly Counter<long> _memoryRefusals;

    public BucketsMetrics(IMeterFactory meterFactory, MemoryPressure memory)
    {
        ArgumentNullException.ThrowIfNull(memory);
        _meter = meterFactory.Create(MeterName);
        _activeBuckets = _meter.CreateUpDownCounter<long>("buckets.active", "{bucket}", "Bucket grains active on this silo.");
        _entries = _meter.CreateUpDownCounter<long>("buckets.entries", "{entry}", "Entries held in memory on this silo.");
        _expirations = _meter.CreateCounter<long>("buckets.expirations", "{entry}", "Entries reclaimed because they expired.");
        _journalOverflows = _meter.CreateCounter<long>("buckets.journal.overflows", "{event}", "Journals that overflowed, forcing a snapshot backup.");
        _journalPending = _meter.CreateUpDownCounter<long>("buckets.journal.pending", "{change}", "Changes held in journals until the backup server acknowledges them.");
        _memoryPressure = _meter.CreateUpDownCounter<long>("buckets.memory.pressure", "{silo}", "1 while this silo is above its memory high-water mark (Buckets:Memory), else 0.");
        _memoryPressureEpisodes = _meter.CreateCounter<long>("buckets.memory.pressure.episodes", "{event}", "Times this silo went above its memory high-water mark.");
        _memoryRefusals = _meter.CreateCounter<long>("buckets.memory.refused_writes", "{request}", "Writes refused with memory-pressure.");
        _meter.CreateObservableGauge("buckets.memory.held", () => memory.HeldBytes, "By", "Key, value and journal bytes held by this silo's active buckets.");
        _meter.CreateObservableGauge("buckets.memory.measured", () => memory.MeasuredBytes, "By", "Bytes the last memory check measured against the high-water mark.");
        _meter.CreateObservableGauge("buckets.memory.high_water", () => memory.HighWaterBytes, "By", "The memory high-water mark in force.");
    }

    public void BucketActivated() => _activeBuckets.Add(1);

    public void BucketDeactivated() => _activeBuckets.Add(-1);

    public void EntriesChanged(long delta)
    {
        if (delta != 0)
        {
            _entries.Add(delta);
        }
    }

    public void JournalChanged(long delta)
    {
        if (delta != 0)
        {
            _journalPending.Add(delta);
        }
    }

    public void Expired(long count)
    {
        if (count != 0)
        {
            _expirations.Add(count);
        }
    }

    public void JournalOverflowed() => _journalOverflows.Add(1);

    public void MemoryPressureChanged(bool underPressure)
    {
        _memoryPressure.Add(underPressure ? 1 : -1);
        if (underPressure)
        {
            _memoryPressureEpisodes.Add(1);
        }
    }

    public void MemoryRefusedWrite() => _memoryRefusals.Add(1);

    public void Dispose() => _meter.Dispose();
}
