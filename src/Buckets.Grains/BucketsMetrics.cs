using System.Diagnostics.Metrics;

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

    public BucketsMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _activeBuckets = _meter.CreateUpDownCounter<long>("buckets.active", "{bucket}", "Bucket grains active on this silo.");
        _entries = _meter.CreateUpDownCounter<long>("buckets.entries", "{entry}", "Entries held in memory on this silo.");
        _expirations = _meter.CreateCounter<long>("buckets.expirations", "{entry}", "Entries reclaimed because they expired.");
        _journalOverflows = _meter.CreateCounter<long>("buckets.journal.overflows", "{event}", "Journals that overflowed, forcing a snapshot backup.");
        _journalPending = _meter.CreateUpDownCounter<long>("buckets.journal.pending", "{change}", "Changes held in journals until the backup server acknowledges them.");
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

    public void Dispose() => _meter.Dispose();
}
