using System.Diagnostics.Metrics;

namespace Buckets.Backup.Status;

/// <summary>Backup server metrics (meter <c>Buckets.Backup</c>). Thread-safe.</summary>
public sealed class BackupMetrics : IDisposable
{
    public const string MeterName = "Buckets.Backup";

    private readonly Meter _meter;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _refused;
    private readonly Histogram<double> _lag;

    public BackupMetrics(IMeterFactory meterFactory, BackupHealth health)
    {
        _meter = meterFactory.Create(MeterName);
        _bytes = _meter.CreateCounter<long>("buckets.backup.bytes", "By", "Englang bytes stored.");
        _batches = _meter.CreateCounter<long>("buckets.backup.batches", "{batch}", "Batches stored.");
        _refused = _meter.CreateCounter<long>("buckets.backup.refused", "{batch}", "Batches refused (stale epoch, gap, invalid).");
        _lag = _meter.CreateHistogram<double>("buckets.backup.lag", "s", "Time from a change to its fsync on the backup server.");
        _meter.CreateObservableGauge("buckets.backup.disk.free", () => health.DiskFreeBytes ?? 0, "By", "Free bytes on the backup volume.");
        _meter.CreateObservableGauge("buckets.backup.last_pull.age", () => health.SecondsSinceLastPull ?? -1, "s", "Seconds since the last successful pull (-1: none yet).");
    }

    public void Stored(long bytes, TimeSpan? lag)
    {
        _bytes.Add(bytes);
        _batches.Add(1);
        if (lag is { } value)
        {
            _lag.Record(Math.Max(0, value.TotalSeconds));
        }
    }

    public void Refused(string status) => _refused.Add(1, new KeyValuePair<string, object?>("status", status));

    public void Dispose() => _meter.Dispose();
}
