using Buckets.Backup.Status;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Maintenance;

/// <summary>Periodically compacts the buckets that received changes since the last round; idle buckets cost nothing.</summary>
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
            foreach (var bucketId in health.TouchedSince(since).ToList())
            {
                try
                {
                    if (await store.CompactIfNeededAsync(bucketId, stoppingToken))
                    {
                        LogCompacted(logger, bucketId);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogCompactionFailed(logger, bucketId, e);
                }
            }

            since = round;
        }
    }

    [LoggerMessage(3201, LogLevel.Information, "Compacted the backup of bucket {BucketId}")]
    private static partial void LogCompacted(ILogger logger, string bucketId);

    [LoggerMessage(3202, LogLevel.Error, "Compacting the backup of bucket {BucketId} failed; its files are unchanged")]
    private static partial void LogCompactionFailed(ILogger logger, string bucketId, Exception exception);
}
