using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Status;

/// <summary>
/// What the status endpoint and metrics report: pulls, per-bucket lag, recent lag percentiles, and
/// a disk-full forecast extrapolated from the recent growth rate. Thread-safe.
/// </summary>
public sealed class BackupHealth(TimeProvider time, IOptions<StatusOptions> options, string dataDirectory)
{
    private const int LagSamples = 4096;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastPullBySilo = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BucketLag> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(DateTimeOffset At, long Free)> _disk = new();
    private readonly double[] _lags = new double[LagSamples];
    private long _lagCount;
    private long _changesStored;
    private DateTimeOffset? _lastPull;

    public long? DiskFreeBytes => _disk.LastOrDefault().Free is var free && free > 0 ? free : null;

    public double? SecondsSinceLastPull => _lastPull is { } at ? (time.GetUtcNow() - at).TotalSeconds : null;

    public void RecordPullSucceeded(string silo)
    {
        var now = time.GetUtcNow();
        _lastPull = now;
        _lastPullBySilo[silo] = now;
    }

    public void RecordPullFailed(string silo) => _lastPullBySilo.TryAdd(silo, DateTimeOffset.MinValue);

    /// <summary>Changes stored since start (the console plots its rate).</summary>
    public long ChangesStored => Interlocked.Read(ref _changesStored);

    public void RecordStored(string bucketId, long lastSeq, TimeSpan? lag)
    {
        var previous = _buckets.TryGetValue(bucketId, out var known) ? known.LastSeq : lastSeq - 1;
        Interlocked.Add(ref _changesStored, Math.Max(0, lastSeq - previous));
        _buckets[bucketId] = new BucketLag(lastSeq, time.GetUtcNow(), lag);
        if (lag is { } value)
        {
            var slot = Interlocked.Increment(ref _lagCount) - 1;
            _lags[slot % LagSamples] = Math.Max(0, value.TotalSeconds);
        }
    }

    /// <summary>Buckets stored since start, with their last stored change and lag.</summary>
    public IReadOnlyDictionary<string, BucketLag> Buckets => _buckets;

    /// <summary>Buckets stored to since <paramref name="since"/> (candidates for compaction).</summary>
    public IEnumerable<string> TouchedSince(DateTimeOffset since) =>
        _buckets.Where(b => b.Value.StoredAt >= since).Select(b => b.Key);

    /// <summary>Samples free disk space, at most once per <see cref="StatusOptions.DiskSampleInterval"/>.</summary>
    public void SampleDisk()
    {
        var now = time.GetUtcNow();
        var settings = options.Value;
        if (_disk.LastOrDefault() is var last && last.At != default && now - last.At < settings.DiskSampleInterval)
        {
            return;
        }

        try
        {
            _disk.Enqueue((now, new DriveInfo(Path.GetFullPath(dataDirectory)).AvailableFreeSpace));
        }
        catch (IOException)
        {
            return;
        }

        while (_disk.TryPeek(out var oldest) && now - oldest.At > settings.GrowthSampleWindow)
        {
            _disk.TryDequeue(out _);
        }
    }

    public BackupStatus Snapshot()
    {
        SampleDisk();
        var now = time.GetUtcNow();
        var lags = RecentLags();
        var (growth, fullIn) = Forecast();
        var warnings = new List<string>();
        if (fullIn is { } eta && eta < options.Value.DiskFullWarningWindow)
        {
            warnings.Add($"The backup disk will be full in about {eta:d\\.hh\\:mm} at the recent growth rate.");
        }

        return new BackupStatus(
            now,
            _lastPull,
            new Dictionary<string, DateTimeOffset>(_lastPullBySilo),
            _buckets.Count,
            Percentile(lags, 0.50),
            Percentile(lags, 0.99),
            DiskFreeBytes,
            growth,
            fullIn,
            warnings);
    }

    private double[] RecentLags()
    {
        var count = (int)Math.Min(Interlocked.Read(ref _lagCount), LagSamples);
        var copy = _lags[..count];
        Array.Sort(copy);
        return copy;
    }

    private static double? Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? null : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private (double? Growth, TimeSpan? FullIn) Forecast()
    {
        var samples = _disk.ToArray();
        if (samples.Length < 2)
        {
            return (null, null);
        }

        var (first, last) = (samples[0], samples[^1]);
        var seconds = (last.At - first.At).TotalSeconds;
        if (seconds <= 0)
        {
            return (null, null);
        }

        var growth = (first.Free - last.Free) / seconds;
        return growth <= 0 ? (growth, null) : (growth, TimeSpan.FromSeconds(Math.Min(last.Free / growth, TimeSpan.MaxValue.TotalSeconds / 2)));
    }
}
