using System.Collections.Concurrent;
using System.Globalization;
using Buckets.Backup.Events;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Status;

/// <summary>
/// What the status endpoint and metrics report: pulls, the last store of recently written buckets
/// (at most <see cref="StatusOptions.MaxTrackedBuckets"/>), recent lag percentiles, and a disk-full
/// forecast extrapolated from the recent growth rate. Thread-safe. With an event log it raises
/// <see cref="BackupEventKind.BackupLagHigh"/> when a batch is stored late and, on each disk sample,
/// <see cref="BackupEventKind.DiskLimitImminent"/> (the forecast is within
/// <see cref="StatusOptions.DiskFullWarningWindow"/>) and <see cref="BackupEventKind.DiskLimitReached"/>
/// (free space below <see cref="EventOptions.DiskReserveBytes"/>), each at most once per
/// <see cref="EventOptions.RepeatInterval"/>.
/// </summary>
public sealed class BackupHealth(
    TimeProvider time,
    IOptions<StatusOptions> options,
    string dataDirectory,
    BackupEventLog? events = null,
    IOptions<EventOptions>? eventOptions = null)
{
    private const string DiskSubject = "disk";
    private const string LagSubject = "lag";
    private const int LagSamples = 4096;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastPullBySilo = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BucketLag> _buckets = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(DateTimeOffset At, long Free)> _disk = new();
    private readonly double[] _lags = new double[LagSamples];
    private long _lagCount;
    private long _bucketsInStore = -1;
    private int _trimming;
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
        var tracked = _buckets.TryGetValue(bucketId, out var known);
        var previous = tracked ? known!.LastSeq : lastSeq - 1;
        Interlocked.Add(ref _changesStored, Math.Max(0, lastSeq - previous));
        _buckets[bucketId] = new BucketLag(lastSeq, time.GetUtcNow(), lag);

        // Only a new bucket can grow the map, and ConcurrentDictionary.Count takes all its locks.
        if (!tracked && _buckets.Count > options.Value.MaxTrackedBuckets)
        {
            TrimBuckets();
        }

        if (lag is { } value)
        {
            CheckLag(bucketId, value);
            var slot = Interlocked.Increment(ref _lagCount) - 1;
            _lags[slot % LagSamples] = Math.Max(0, value.TotalSeconds);
        }
    }

    /// <summary>Recently stored buckets (at most <see cref="StatusOptions.MaxTrackedBuckets"/>), with their last stored change and lag.</summary>
    public IReadOnlyDictionary<string, BucketLag> Buckets => _buckets;

    /// <summary>Buckets the store held at the end of the last retention sweep; null before the first.</summary>
    public long? BucketsInStore => Interlocked.Read(ref _bucketsInStore) is var count and >= 0 ? count : null;

    /// <summary>Records how many buckets a retention sweep visited (every bucket in the store).</summary>
    public void RecordSweep(long buckets) => Interlocked.Exchange(ref _bucketsInStore, buckets);

    /// <summary>Tracked buckets stored to since <paramref name="since"/> (candidates for compaction).</summary>
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

        long free;
        try
        {
            free = new DriveInfo(Path.GetFullPath(dataDirectory)).AvailableFreeSpace;
        }
        catch (IOException)
        {
            return;
        }

        _disk.Enqueue((now, free));
        while (_disk.TryPeek(out var oldest) && now - oldest.At > settings.GrowthSampleWindow)
        {
            _disk.TryDequeue(out _);
        }

        CheckDisk(free);
    }

    private void CheckLag(string bucketId, TimeSpan lag)
    {
        if (events is null || eventOptions is null || lag <= eventOptions.Value.LagThreshold)
        {
            return;
        }

        var threshold = eventOptions.Value.LagThreshold;
        events.RaiseUnlessRecent(
            LagSubject,
            BackupEventKind.BackupLagHigh,
            BackupEventSeverity.Warning,
            $"Changes of bucket {bucketId} reached the backup disk {lag.TotalSeconds:F1} s after they were written, more than the threshold of {threshold.TotalSeconds:F0} s.",
            new Dictionary<string, string>
            {
                ["bucketId"] = bucketId,
                ["lagSeconds"] = lag.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
                ["thresholdSeconds"] = threshold.TotalSeconds.ToString(CultureInfo.InvariantCulture),
            });
    }

    private void CheckDisk(long free)
    {
        if (events is null || eventOptions is null)
        {
            return;
        }

        var reserve = eventOptions.Value.DiskReserveBytes;
        if (free < reserve)
        {
            events.RaiseUnlessRecent(
                DiskSubject,
                BackupEventKind.DiskLimitReached,
                BackupEventSeverity.Failure,
                $"The backup disk has {free} bytes free, less than the reserve of {reserve} bytes; writes will soon fail.",
                new Dictionary<string, string>
                {
                    ["freeBytes"] = free.ToString(CultureInfo.InvariantCulture),
                    ["reserveBytes"] = reserve.ToString(CultureInfo.InvariantCulture),
                });
        }
        else
        {
            events.Clear(BackupEventKind.DiskLimitReached, DiskSubject);
        }

        var window = options.Value.DiskFullWarningWindow;
        if (Forecast() is (var growth, { } fullIn) && fullIn < window)
        {
            events.RaiseUnlessRecent(
                DiskSubject,
                BackupEventKind.DiskLimitImminent,
                BackupEventSeverity.Warning,
                $"At the recent growth rate the backup disk is full in about {fullIn:d\\.hh\\:mm}, within the warning window of {window:d\\.hh\\:mm}.",
                new Dictionary<string, string>
                {
                    ["freeBytes"] = free.ToString(CultureInfo.InvariantCulture),
                    ["growthBytesPerSecond"] = growth!.Value.ToString("F0", CultureInfo.InvariantCulture),
                    ["fullInSeconds"] = fullIn.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture),
                });
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
            BucketsInStore,
            Percentile(lags, 0.50),
            Percentile(lags, 0.99),
            DiskFreeBytes,
            growth,
            fullIn,
            warnings);
    }

    /// <summary>Forgets the buckets stored longest ago, a tenth below the limit so the sort is paid once per many stores.</summary>
    private void TrimBuckets()
    {
        if (Interlocked.Exchange(ref _trimming, 1) == 1)
        {
            return;
        }

        try
        {
            var limit = options.Value.MaxTrackedBuckets;
            var excess = _buckets.Count - limit + (limit / 10);
            foreach (var (bucketId, lag) in _buckets.OrderBy(b => b.Value.StoredAt).Take(Math.Max(0, excess)).ToList())
            {
                _buckets.TryRemove(new KeyValuePair<string, BucketLag>(bucketId, lag));
            }
        }
        finally
        {
            Volatile.Write(ref _trimming, 0);
        }
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
