using System.Globalization;
using System.Threading.RateLimiting;
using Buckets.Backup.Events;
using Buckets.Backup.Storage;

namespace Buckets.Backup.Cluster;

/// <summary>The integrity sweep's repairs and what it reports: findings, repairs and the sweep's end as logs, metrics and events.</summary>
public sealed partial class IntegritySweep
{
    /// <summary>Copies the chosen source's copy over this one and verifies it by digest; true when this replica now holds the newest copy.</summary>
    private async Task<bool> RepairAsync(string bucketId, ReplicaAnswer own, ReplicaVerdict verdict, RateLimiter limiter, SweepTally tally, CancellationToken cancellationToken)
    {
        var choice = verdict.Repair!;
        var index = cluster.Value.IndexOf(choice.Source);
        try
        {
            if (peers is null || index < 0 || await peers.ReadAsync(cluster.Value.Servers[index], bucketId, cancellationToken) is not { } copy)
            {
                RepairFailed(bucketId, tally, $"replica {choice.Source} no longer hands on a copy");
                return false;
            }

            await ReadAsync(limiter, copy.Snapshot.Length, tally, cancellationToken);

            // A damaged or divergent copy is replaced (only while it is still what was weighed, so a change
            // stored meanwhile is never undone); a copy that is only behind takes the newer one if still older.
            var replace = verdict.Finding is SweepFinding.Damaged or SweepFinding.Divergent;
            var held = verdict.Finding == SweepFinding.Divergent ? own.Digest?.Version : null;
            var outcome = await NewestCopy.InstallAsync(store, bucketId, copy, choice.Epoch, replace, held, cancellationToken);
            metrics?.Repair(outcome.ToString());
            switch (outcome)
            {
                case InstallOutcome.Installed:
                    lock (_lock)
                    {
                        _clock.Caught(bucketId, own.Server);
                    }

                    tally.Repaired();
                    LogRepaired(logger, bucketId, verdict.Finding, choice.Source, copy.WriterEpoch, copy.LastSeq);
                    RaiseRepaired(bucketId, verdict.Finding, choice.Source, copy);
                    return true;
                case InstallOutcome.NotInstalled:
                    LogCaughtUp(logger, bucketId);
                    return false;
                default:
                    RepairFailed(bucketId, tally, $"the installed copy from {choice.Source} reads back with another digest");
                    return false;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidDataException or BackupCorruptException or IOException && !cancellationToken.IsCancellationRequested)
        {
            RepairFailed(bucketId, tally, $"{e.GetType().Name} while copying from {choice.Source}");
            return false;
        }
    }

    /// <summary>Logs a finding that needs attention and raises it; in-sync and catching-up copies are only counted.</summary>
    private void Report(string bucketId, ReplicaAnswer own, ReplicaVerdict verdict)
    {
        if (verdict.Deferred)
        {
            LogDeferred(logger, bucketId);
        }

        if (verdict.Finding is not (SweepFinding.Divergent or SweepFinding.BehindTooLong or SweepFinding.Ambiguous) || own.Digest is not { } mine)
        {
            return;
        }

        var target = verdict.Repair?.Digest ?? mine;
        LogFinding(logger, bucketId, verdict.Finding, mine.WriterEpoch, mine.LastSeq, target.WriterEpoch, target.LastSeq, verdict.Repair?.Source ?? own.Server);
        var details = new Dictionary<string, string>
        {
            ["bucketId"] = bucketId,
            ["finding"] = verdict.Finding.ToString(),
            ["writerEpoch"] = mine.WriterEpoch.ToString(CultureInfo.InvariantCulture),
            ["lastSeq"] = mine.LastSeq.ToString(CultureInfo.InvariantCulture),
            ["newestWriterEpoch"] = target.WriterEpoch.ToString(CultureInfo.InvariantCulture),
            ["newestLastSeq"] = target.LastSeq.ToString(CultureInfo.InvariantCulture),
        };
        var (severity, summary) = verdict.Finding switch
        {
            SweepFinding.Ambiguous => (BackupEventSeverity.Failure, $"The replicas of bucket {bucketId} hold different states at the same change and no majority agrees on one: an operator decides (restore or repair)."),
            SweepFinding.BehindTooLong => (BackupEventSeverity.Warning, $"The copy of bucket {bucketId} here stayed behind its peers' newest for longer than {_options.GracePeriod.TotalSeconds:F0} s; it is copied over from {verdict.Repair?.Source}."),
            _ => (BackupEventSeverity.Warning, $"The copy of bucket {bucketId} here diverges from the newest copy its peers hold; it is copied over from {verdict.Repair?.Source}."),
        };
        events?.RaiseUnlessRecent(bucketId, BackupEventKind.ReplicaDivergent, severity, summary, details);
    }

    private void RaiseDamaged(string bucketId, BackupVerificationReport report)
    {
        var first = report.Problems[0];
        LogDamaged(logger, bucketId, report.Problems.Count, first.ToString());
        var details = new Dictionary<string, string>
        {
            ["bucketId"] = bucketId,
            ["file"] = first.File,
            ["problems"] = report.Problems.Count.ToString(CultureInfo.InvariantCulture),
            ["foundBy"] = "integrity sweep",
        };
        if (first.Line is { } line)
        {
            details["line"] = line.ToString(CultureInfo.InvariantCulture);
        }

        events?.RaiseUnlessRecent(
            bucketId,
            BackupEventKind.CorruptionFound,
            BackupEventSeverity.Failure,
            $"The integrity sweep found the backup of bucket {bucketId} damaged at {first.File}{(first.Line is { } at ? $" line {at}" : "")} ({report.Problems.Count} problems); it is repaired from its peer replicas.",
            details);
    }

    private void RaiseRepaired(string bucketId, SweepFinding finding, string source, ReplicaCopy copy)
    {
        var kind = finding == SweepFinding.Damaged ? BackupEventKind.CorruptionRepaired : BackupEventKind.ReplicaRepaired;
        events?.Clear(BackupEventKind.CorruptionFound, bucketId);
        events?.Clear(BackupEventKind.ReplicaDivergent, bucketId);
        events?.Raise(
            kind,
            BackupEventSeverity.Warning,
            $"The integrity sweep repaired the copy of bucket {bucketId} ({finding}) from {source}{(copy.Erased ? ", an erasure" : "")}: writer epoch {copy.WriterEpoch} at change {copy.LastSeq}, verified by digest.",
            new Dictionary<string, string>
            {
                ["bucketId"] = bucketId,
                ["finding"] = finding.ToString(),
                ["source"] = source,
                ["writerEpoch"] = copy.WriterEpoch.ToString(CultureInfo.InvariantCulture),
                ["lastSeq"] = copy.LastSeq.ToString(CultureInfo.InvariantCulture),
                ["erased"] = copy.Erased ? "true" : "false",
            });
    }

    private void RepairFailed(string bucketId, SweepTally tally, string reason)
    {
        tally.RepairFailed();
        LogRepairFailed(logger, bucketId, reason);
        events?.RaiseUnlessRecent(
            bucketId,
            BackupEventKind.ReplicaRepairFailed,
            BackupEventSeverity.Failure,
            $"The integrity sweep could not repair the copy of bucket {bucketId}: {reason}.",
            new Dictionary<string, string> { ["bucketId"] = bucketId, ["reason"] = reason });
    }

    /// <summary>Logs, counts and raises the sweep's end, and the buckets below their replication target.</summary>
    private void Finished(SweepReport report)
    {
        LogFinished(logger, report.Seconds, report.BucketsHeld, report.BucketsKept, report.Damaged, report.Divergent, report.Repaired, report.RepairsFailed, report.BelowTarget);
        metrics?.Finished(report.BelowTarget);
        events?.Raise(
            BackupEventKind.IntegritySweepFinished,
            BackupEventSeverity.Info,
            $"The integrity sweep checked {report.BucketsHeld} buckets ({report.BucketsKept} kept here) in {report.Seconds:F1} s: {report.Damaged} damaged, {report.Divergent} divergent, {report.Repaired} repaired, {report.RepairsFailed} repairs failed, {report.Failed} not checked, {report.BelowTarget} below their replication target.",
            new Dictionary<string, string>
            {
                ["buckets"] = report.BucketsHeld.ToString(CultureInfo.InvariantCulture),
                ["kept"] = report.BucketsKept.ToString(CultureInfo.InvariantCulture),
                ["inSync"] = report.InSync.ToString(CultureInfo.InvariantCulture),
                ["damaged"] = report.Damaged.ToString(CultureInfo.InvariantCulture),
                ["divergent"] = report.Divergent.ToString(CultureInfo.InvariantCulture),
                ["behind"] = report.Behind.ToString(CultureInfo.InvariantCulture),
                ["ambiguous"] = report.Ambiguous.ToString(CultureInfo.InvariantCulture),
                ["repaired"] = report.Repaired.ToString(CultureInfo.InvariantCulture),
                ["repairsFailed"] = report.RepairsFailed.ToString(CultureInfo.InvariantCulture),
                ["deferred"] = report.Deferred.ToString(CultureInfo.InvariantCulture),
                ["failed"] = report.Failed.ToString(CultureInfo.InvariantCulture),
                ["belowTarget"] = report.BelowTarget.ToString(CultureInfo.InvariantCulture),
                ["bytesRead"] = report.BytesRead.ToString(CultureInfo.InvariantCulture),
                ["seconds"] = report.Seconds.ToString("F3", CultureInfo.InvariantCulture),
            });
        if (report.BelowTarget == 0)
        {
            events?.Clear(BackupEventKind.ReplicationBelowTarget, "replication");
            return;
        }

        events?.RaiseUnlessRecent(
            "replication",
            BackupEventKind.ReplicationBelowTarget,
            BackupEventSeverity.Warning,
            $"{report.BelowTarget} buckets kept on this server have fewer replicas holding a verified copy at the newest change than their target, min(R, N): {string.Join(", ", report.BelowTargetIds)}{(report.BelowTarget > report.BelowTargetIds.Count ? ", ..." : "")}.",
            new Dictionary<string, string>
            {
                ["buckets"] = report.BelowTarget.ToString(CultureInfo.InvariantCulture),
                ["bucketIds"] = string.Join(",", report.BelowTargetIds),
            });
    }
}
