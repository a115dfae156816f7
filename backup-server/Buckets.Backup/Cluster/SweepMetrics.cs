using System.Diagnostics.Metrics;
using Buckets.Backup.Status;

namespace Buckets.Backup.Cluster;

/// <summary>The integrity sweep's metrics (meter <c>Buckets.Backup</c>). Thread-safe.</summary>
public sealed class SweepMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly Counter<long> _findings;
    private readonly Counter<long> _repairs;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _sweeps;
    private long _belowTarget;

    public SweepMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _meter = meterFactory.Create(BackupMetrics.MeterName);
        _findings = _meter.CreateCounter<long>("buckets.backup.sweep.buckets", "{bucket}", "Buckets the integrity sweep checked, by finding.");
        _repairs = _meter.CreateCounter<long>("buckets.backup.sweep.repairs", "{repair}", "Copies the integrity sweep repaired from peers, by outcome.");
        _bytes = _meter.CreateCounter<long>("buckets.backup.sweep.bytes", "By", "Bytes the integrity sweep read (bucket files verified, copies fetched).");
        _sweeps = _meter.CreateCounter<long>("buckets.backup.sweep.runs", "{sweep}", "Integrity sweeps finished.");
        _meter.CreateObservableGauge("buckets.backup.replication.below_target", () => Interlocked.Read(ref _belowTarget), "{bucket}", "Buckets kept here with fewer replicas holding a verified copy at the newest change than min(R, N), at the last sweep.");
    }

    public void Found(SweepFinding finding) => _findings.Add(1, new KeyValuePair<string, object?>("finding", finding.ToString()));

    public void Repair(string outcome) => _repairs.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void Read(long bytes) => _bytes.Add(bytes);

    public void Finished(long belowTarget)
    {
        _sweeps.Add(1);
        Interlocked.Exchange(ref _belowTarget, belowTarget);
    }

    public void Dispose() => _meter.Dispose();
}
