using Buckets.Backup.Status;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Maintenance;

/// <summary>
/// Periodically compacts the buckets that received changes since the last round (idle buckets cost
/// nothing there), and every <see cref="MaintenanceOptions.RetentionSweepInterval"/> visits every bucket
/// the store holds so retired generations of idle buckets are deleted after the retention too.
/// </summary>
public sealed partial class CompactionService(
    IBackupStore store,
    BackupHealth health,
    IOptions<MaintenanceOptions> options,
    TimeProvider time,
    ILogger<CompactionService> logger) : BackgroundService
{
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
            var buckets = sweep ? store.ListBuckets() : health.TouchedSince(since).ToList();
            foreach (var bucketId in buckets)
            {
                await MaintainAsync(bucketId, stoppingToken);
            }

            since = round;
            lastSweep = sweep ? round : lastSweep;
            if (sweep)
            {
                LogSwept(logger, buckets.Count);
            }
        }
    }

    private async Task MaintainAsync(string bucketId, CancellationToken cancellationToken)
    {
        try
        {
            if (await store.CompactIfNeededAsync(bucketId, cancellationToken))
            {
                LogCompacted(logger, bucketId);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCompactionFailed(logger, bucketId, e);
        }
    }

    [LoggerMessage(3201, LogLevel.Information, "Compacted the backup of bucket {BucketId}")]
    private static partial void LogCompacted(ILogger logger, string bucketId);

    [LoggerMessage(3202, LogLevel.Error, "Compacting the backup of bucket {BucketId} failed; its files are unchanged")]
    private static partial void LogCompactionFailed(ILogger logger, string bucketId, Exception exception);

    [LoggerMessage(3203, LogLevel.Debug, "Retention sweep visited {Count} buckets")]
    private static partial void LogSwept(ILogger logger, int count);
}
