using System.Threading.RateLimiting;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Events;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Cluster;

/// <summary>
/// The integrity sweep across replicas (docs/backup-protocol.md, "Integrity sweep"): every
/// <see cref="SweepOptions.Interval"/> it walks this server's store a page at a time and, for each
/// bucket, verifies its files with the store's own verification, asks the bucket's other replicas for
/// their digests (<see cref="IPeerReplicas.ReadDigestAsync"/>), decides with <see cref="ReplicaAudit"/>,
/// and repairs a damaged or divergent copy from its peers with <see cref="NewestCopy"/> (the rule resync
/// uses). A bucket this server is no longer a replica of is left alone. Every finding and repair is
/// logged, counted (<see cref="SweepMetrics"/>) and raised as an event; each sweep ends with
/// <see cref="BackupEventKind.IntegritySweepFinished"/> and, when some kept buckets have fewer verified
/// replicas than their target, <see cref="BackupEventKind.ReplicationBelowTarget"/>. Reads are bounded
/// by <see cref="SweepOptions.MaxBytesPerSecond"/> and <see cref="SweepOptions.Concurrency"/>. It does
/// not run while this server resyncs.
/// </summary>
public sealed partial class IntegritySweep(
    IBackupStore store,
    IOptions<BackupClusterOptions> cluster,
    IOptions<ReplicationOptions> replication,
    IOptions<SweepOptions> options,
    ReplicaResync resync,
    TimeProvider time,
    ILogger<IntegritySweep> logger,
    IPeerReplicas? peers = null,
    BackupEventLog? events = null,
    SweepMetrics? metrics = null) : BackgroundService
{
    /// <summary>Bucket ids an event or the status names at most (the counts are always whole).</summary>
    public const int MaxIdsReported = 20;

    /// <summary>The server id a single backup server (no list) sweeps under.</summary>
    private const string SingleServer = "local";

    private readonly CatchUpClock _clock = new();
    private readonly Lock _lock = new();
    private readonly SweepOptions _options = options.Value;
    private volatile SweepReport? _last;
    private volatile bool _running;
    private long _checked;

    /// <summary>The sweep's state, for the cluster status.</summary>
    public SweepStatus Status => new(_options.Enabled, _running, _running ? Interlocked.Read(ref _checked) : 0, _last);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.Interval, time, stoppingToken);
                if (!resync.Resyncing)
                {
                    await SweepOnceAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // A sweep that failed (the disk, the store) is tried again; the server's other work goes on.
                LogSweepFailed(logger, e);
            }
        }
    }

    /// <summary>One sweep over every bucket in the store; what it found is also kept as <see cref="SweepStatus.Last"/>.</summary>
    public async Task<SweepReport> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
        var tally = new SweepTally();
        var ids = cluster.Value.SelfId is null ? [SingleServer] : cluster.Value.ServerIds;
        var self = cluster.Value.SelfId ?? SingleServer;
        _running = true;
        Interlocked.Exchange(ref _checked, 0);
        try
        {
            using var limiter = PeerReplicas.BandwidthLimiter(_options.MaxBytesPerSecond);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken };
            string? after = null;
            do
            {
                var page = store.ListBuckets(after, _options.PageSize);
                await Parallel.ForEachAsync(page.Ids, parallel, async (bucketId, token) =>
                {
                    try
                    {
                        await CheckAsync(bucketId, ids, self, limiter, tally, token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException || !token.IsCancellationRequested)
                    {
                        // One bucket that cannot be checked (an I/O error, a bucket erased meanwhile) does not end the sweep.
                        tally.CheckFailed();
                        LogCheckFailed(logger, bucketId, e);
                    }

                    Interlocked.Increment(ref _checked);
                });
                after = page.Next;
            }
            while (after is not null);
        }
        finally
        {
            _running = false;
        }

        lock (_lock)
        {
            _clock.EndRound();
        }

        var report = tally.ToReport(started, time.GetUtcNow());
        _last = report;
        Finished(report);
        return report;
    }

    /// <summary>Verifies one bucket here, weighs it against its peers, and repairs it when due.</summary>
    private async Task CheckAsync(string bucketId, IReadOnlyList<string> ids, string self, RateLimiter limiter, SweepTally tally, CancellationToken cancellationToken)
    {
        var report = await store.VerifyAsync(bucketId, cancellationToken);
        if (report is null)
        {
            return;
        }

        tally.Held();
        await ReadAsync(limiter, report.ByteCount, tally, cancellationToken);
        var own = await OwnAnswerAsync(bucketId, self, report, limiter, tally, cancellationToken);
        var widest = ReplicaPlacement.Replicas(bucketId, ids, replication.Value.WidestCount(ids.Count));
        if (!widest.Any(index => string.Equals(ids[index], self, StringComparison.OrdinalIgnoreCase)))
        {
            // Not a replica of any class: the coordinator moves it, the sweep does not touch it.
            metrics?.Found(SweepFinding.NotPlacedHere);
            return;
        }

        var answers = await PeerAnswersAsync(bucketId, ids, self, widest, own, cancellationToken);
        ReplicaVerdict verdict;
        lock (_lock)
        {
            verdict = ReplicaAudit.Decide(bucketId, own, answers, ids, replication.Value, _clock, time.GetUtcNow(), _options.GracePeriod);
        }

        metrics?.Found(verdict.Finding);
        if (verdict.Finding == SweepFinding.NotPlacedHere)
        {
            return;
        }

        var holding = verdict.Holding;
        tally.Kept(verdict.Finding, verdict.Deferred);
        Report(bucketId, own, verdict);
        if (verdict.RepairsNow && await RepairAsync(bucketId, own, verdict, limiter, tally, cancellationToken))
        {
            holding++;
        }
        else if (verdict.Finding == SweepFinding.Damaged && verdict.Repair is null)
        {
            RepairFailed(bucketId, tally, "no replica holds a readable copy");
        }

        if (holding < verdict.Replicas)
        {
            tally.BelowTarget(bucketId);
        }
    }

    /// <summary>This server's copy: damaged when its verification found a problem or it does not read, else its digest.</summary>
    private async Task<ReplicaAnswer> OwnAnswerAsync(string bucketId, string self, BackupVerificationReport report, RateLimiter limiter, SweepTally tally, CancellationToken cancellationToken)
    {
        if (!report.IsHealthy)
        {
            RaiseDamaged(bucketId, report);
            return new ReplicaAnswer(self, ReplicaHolding.Damaged);
        }

        try
        {
            if (await store.ReadReplicaAsync(bucketId, cancellationToken) is { } copy)
            {
                await ReadAsync(limiter, copy.Snapshot.Length, tally, cancellationToken);
                return ReplicaAnswer.Of(self, ReplicaDigest.Of(copy));
            }
        }
        catch (Exception e) when (e is BackupCorruptException or InvalidDataException)
        {
            // The store raised CorruptionFound for a damaged history; the sweep repairs it like any damage.
            LogUnreadable(logger, bucketId, e.GetType().Name);
        }

        return new ReplicaAnswer(self, ReplicaHolding.Damaged);
    }

    /// <summary>The other replicas' answers, and for a peer of the same writer epoch that is ahead its digest at this copy's last change.</summary>
    private async Task<List<ReplicaAnswer>> PeerAnswersAsync(string bucketId, IReadOnlyList<string> ids, string self, int[] widest, ReplicaAnswer own, CancellationToken cancellationToken)
    {
        var answers = new List<ReplicaAnswer>();
        if (peers is null)
        {
            return answers;
        }

        foreach (var index in widest.Where(index => !string.Equals(ids[index], self, StringComparison.OrdinalIgnoreCase)))
        {
            var server = cluster.Value.Servers[index];
            var answer = await peers.ReadDigestAsync(server, bucketId, null, cancellationToken);
            if (own.Digest is { } mine && answer.Digest is { } theirs && theirs.WriterEpoch == mine.WriterEpoch && theirs.LastSeq > mine.LastSeq)
            {
                var prefix = await peers.ReadDigestAsync(server, bucketId, mine.LastSeq, cancellationToken);
                answer = answer with { PrefixDigest = prefix.Digest is { } at && at.LastSeq == mine.LastSeq ? at.Digest : null };
            }

            answers.Add(answer);
        }

        return answers;
    }

    private async Task ReadAsync(RateLimiter limiter, long bytes, SweepTally tally, CancellationToken cancellationToken)
    {
        await PeerReplicas.TakeAsync(limiter, bytes, cancellationToken);
        tally.Read(bytes);
        metrics?.Read(bytes);
    }

    [LoggerMessage(3501, LogLevel.Error, "Integrity sweep: the backup of bucket {BucketId} fails its verification: {Problems} problems, the first at {File}")]
    private static partial void LogDamaged(ILogger logger, string bucketId, int problems, string file);

    [LoggerMessage(3502, LogLevel.Warning, "Integrity sweep: the copy of bucket {BucketId} here is {Finding} (here writer epoch {WriterEpoch} at change {Seq}; newest {NewestWriterEpoch} at {NewestSeq} on {Source})")]
    private static partial void LogFinding(ILogger logger, string bucketId, SweepFinding finding, long writerEpoch, long seq, long newestWriterEpoch, long newestSeq, string source);

    [LoggerMessage(3503, LogLevel.Warning, "Integrity sweep: repaired bucket {BucketId} ({Finding}) from {Source}: writer epoch {WriterEpoch} at change {Seq}, digest verified")]
    private static partial void LogRepaired(ILogger logger, string bucketId, SweepFinding finding, string source, long writerEpoch, long seq);

    [LoggerMessage(3504, LogLevel.Error, "Integrity sweep: could not repair bucket {BucketId}: {Reason}")]
    private static partial void LogRepairFailed(ILogger logger, string bucketId, string reason);

    [LoggerMessage(3505, LogLevel.Information, "Integrity sweep: the repair of bucket {BucketId} waits for a replica that did not answer")]
    private static partial void LogDeferred(ILogger logger, string bucketId);

    [LoggerMessage(3506, LogLevel.Information, "Integrity sweep finished in {Seconds:F1} s: {Held} buckets held, {Kept} kept here, {Damaged} damaged, {Divergent} divergent, {Repaired} repaired, {Failed} repairs failed, {BelowTarget} below their replication target")]
    private static partial void LogFinished(ILogger logger, double seconds, long held, long kept, long damaged, long divergent, long repaired, long failed, long belowTarget);

    [LoggerMessage(3507, LogLevel.Error, "Integrity sweep failed; trying again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(3508, LogLevel.Warning, "Integrity sweep: the backup of bucket {BucketId} does not read ({Error})")]
    private static partial void LogUnreadable(ILogger logger, string bucketId, string error);

    [LoggerMessage(3510, LogLevel.Error, "Integrity sweep: bucket {BucketId} could not be checked; the next sweep tries again")]
    private static partial void LogCheckFailed(ILogger logger, string bucketId, Exception exception);

    [LoggerMessage(3509, LogLevel.Information, "Integrity sweep: bucket {BucketId} caught up by itself before its repair; nothing installed")]
    private static partial void LogCaughtUp(ILogger logger, string bucketId);
}
