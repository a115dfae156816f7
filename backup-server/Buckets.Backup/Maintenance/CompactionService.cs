using System.Globalization;
using Buckets.Backup.Events;
using Buckets.Backup.Status;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Maintenance;

/// <summary>
/// Periodically compacts the buckets that received changes since the last round (idle buckets cost
/// nothing there), and every <see cref="MaintenanceOptions.RetentionSweepInterval"/> visits every bucket
/// the store holds, a page of <see cref="MaintenanceOptions.SweepPageSize"/> ids at a time, so retired
/// generations of idle buckets are deleted after the retention too and every bucket folder is loaded
/// (a damaged one fails closed and raises <see cref="BackupEventKind.CorruptionFound"/>). Each sweep
/// ends with a <see cref="BackupEventKind.RetentionSweepFinished"/> event (the integrity sweep across
/// replicas, which verifies every file, is <c>Cluster/IntegritySweep</c>).
/// </summary>
public sealed partial class CompactionService(
    IBackupStore store,
    BackupHealth health,
    IOptions<MaintenanceOptions> options,
    TimeProvider time,
    ILogger<CompactionService> logger,
    BackupEventLog? events = null) : BackgroundService
{
    private enum Outcome
    {
        Unchanged,
        Compacted,
        Damaged,
        Failed,
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var since = DateTimeOffset.MinValue;
        DateTimeOffset? lastSweep = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.CompactionInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var round = time.GetUtcNow();
            var sweep = lastSweep is not { } last || round - last >= options.Value.RetentionSweepInterval;
            if (sweep)
            {
                await SweepAsync(stoppingToken);
                lastSweep = round;
            }
            else
            {
                foreach (var bucketId in health.TouchedSince(since).ToList())
                {
                    await MaintainAsync(bucketId, stoppingToken);
                }
            }

            since = round;
        }
    }

    /// <summary>Visits every bucket in the store, page by page.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var counts = new Dictionary<Outcome, long>();
        long visited = 0;
        string? after = null;
        do
        {
            var page = store.ListBuckets(after, options.Value.SweepPageSize);
            foreach (var bucketId in page.Ids)
            {
                var outcome = await MaintainAsync(bucketId, cancellationToken);
                counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
                visited++;
            }

            after = page.Next;
        }
        while (after is not null && !cancellationToken.IsCancellationRequested);

        if (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        health.RecordSweep(visited);
        LogSwept(logger, visited);
        var damaged = counts.GetValueOrDefault(Outcome.Damaged);
        var failed = counts.GetValueOrDefault(Outcome.Failed);
        var elapsed = time.GetElapsedTime(started);
        events?.Raise(
            BackupEventKind.RetentionSweepFinished,
            damaged + failed > 0 ? BackupEventSeverity.Warning : BackupEventSeverity.Info,
            $"The retention sweep visited {visited} buckets in {elapsed.TotalSeconds:F1} s: {counts.GetValueOrDefault(Outcome.Compacted)} compacted, {damaged} damaged, {failed} failed.",
            new Dictionary<string, string>
            {
                ["buckets"] = visited.ToString(CultureInfo.InvariantCulture),
                ["compacted"] = counts.GetValueOrDefault(Outcome.Compacted).ToString(CultureInfo.InvariantCulture),
                ["damaged"] = damaged.ToString(CultureInfo.InvariantCulture),
                ["failed"] = failed.ToString(CultureInfo.InvariantCulture),
                ["seconds"] = elapsed.TotalSeconds.ToString("F3", CultureInfo.InvariantCulture),
            });
    }

    private async Task<Outcome> MaintainAsync(string bucketId, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.CompactIfNeededAsync(bucketId, cancellationToken))
            {
                LogCompacted(logger, bucketId);
                return Outcome.Compacted;
            }

            return Outcome.Unchanged;
        }
        catch (BackupCorruptException)
        {
            // The store logged it and raised the event; the bucket fails closed until repaired.
            return Outcome.Damaged;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCompactionFailed(logger, bucketId, e);
            return Outcome.Failed;
        }
    }

    [LoggerMessage(3201, LogLevel.Information, "Compacted the backup of bucket {BucketId}")]
    private static partial void LogCompacted(ILogger logger, string bucketId);

    [LoggerMessage(3202, LogLevel.Error, "Compacting the backup of bucket {BucketId} failed; its files are unchanged")]
    private static partial void LogCompactionFailed(ILogger logger, string bucketId, Exception exception);

    [LoggerMessage(3203, LogLevel.Debug, "Retention sweep visited {Count} buckets")]
    private static partial void LogSwept(ILogger logger, long count);
}
