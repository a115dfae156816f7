using System.Collections.Concurrent;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Pulling;

/// <summary>
/// Pulls every silo in turn, for the buckets this server keeps (each silo hands it only those): stores each bucket's batch (fsynced by the store) and acknowledges it on
/// the next pull of that silo, so a grain drops changes only once they are durable. A silo that
/// returned work is pulled again <see cref="PullOptions.BusyInterval"/> after the previous round
/// began; after work, empty pulls come every <see cref="PullOptions.ActiveInterval"/> for a while,
/// then every <see cref="PullOptions.Interval"/>.
/// </summary>
public sealed partial class BackupPuller(
    IChangeFeedSource source,
    BackupIngest ingest,
    BackupHealth health,
    IOptions<PullOptions> options,
    IOptions<Cluster.BackupClusterOptions> cluster,
    Storage.StoreIncarnation incarnation,
    TimeProvider time,
    ILogger<BackupPuller> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, IReadOnlyList<BackupAck>> _pendingAcks = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var emptyPulls = int.MaxValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var roundStarted = time.GetTimestamp();
            var busy = false;
            foreach (var feed in source.CurrentFeeds())
            {
                busy |= await PullOnceAsync(feed, stoppingToken);
            }

            health.SampleDisk();
            emptyPulls = busy ? 0 : emptyPulls == int.MaxValue ? emptyPulls : emptyPulls + 1;
            var settings = options.Value;

            // Work costs per bucket per pull (a grain call to collect, one to acknowledge, a write),
            // so under load rounds are spaced by BusyInterval, and further apart the longer they take
            // (BusyShare): changes gather into fewer, larger batches.
            var took = time.GetElapsedTime(roundStarted);
            var pause = busy
                ? BusyCycle(took, settings) - took
                : emptyPulls < settings.ActivePulls ? settings.ActiveInterval : settings.Interval;
            if (pause > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(pause, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>How long after a busy round began the next one starts, given how long it took.</summary>
    internal static TimeSpan BusyCycle(TimeSpan roundTook, PullOptions settings)
    {
        var byShare = roundTook / settings.BusyShare;
        var longest = settings.Interval > settings.BusyInterval ? settings.Interval : settings.BusyInterval;
        return byShare < settings.BusyInterval ? settings.BusyInterval : byShare > longest ? longest : byShare;
    }

    /// <summary>One pull of one silo; true when it returned work that all stored (pull again soon).</summary>
    public async Task<bool> PullOnceAsync(IChangeFeed feed, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _pendingAcks.TryRemove(feed.Name, out var acks);
        PullResponse response;
        try
        {
            response = await feed.PullAsync(new PullRequest(acks ?? [], settings.MaxBatches, settings.MaxChangesPerBatch, cluster.Value.SelfId, incarnation.Id), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Keep the acknowledgements: the silo still needs them.
            _pendingAcks[feed.Name] = acks ?? [];
            health.RecordPullFailed(feed.Name);
            LogPullFailed(logger, feed.Name, e);
            return false;
        }

        var stored = new ConcurrentBag<BackupAck>();
        var failures = 0;
        await Parallel.ForEachAsync(
            response.Batches,
            new ParallelOptions { MaxDegreeOfParallelism = settings.StoreParallelism, CancellationToken = cancellationToken },
            async (batch, token) =>
            {
                try
                {
                    stored.Add(await ingest.StoreAsync(batch, token));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // No acknowledgement: the bucket keeps the changes and sends them again.
                    Interlocked.Increment(ref failures);
                    LogStoreFailed(logger, batch.BucketId, e);
                }
            });

        _pendingAcks[feed.Name] = [.. stored];
        health.RecordPullSucceeded(feed.Name);
        return (response.Batches.Count > 0 || response.More) && failures == 0 && stored.All(a => a.Status == AckStatus.Stored);
    }

    [LoggerMessage(3101, LogLevel.Warning, "Pull from {Feed} failed")]
    private static partial void LogPullFailed(ILogger logger, string feed, Exception exception);

    [LoggerMessage(3102, LogLevel.Error, "Storing changes of bucket {BucketId} failed")]
    private static partial void LogStoreFailed(ILogger logger, string bucketId, Exception exception);
}
