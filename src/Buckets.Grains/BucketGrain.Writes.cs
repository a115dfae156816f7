using Buckets.Abstractions;

namespace Buckets.Grains;

/// <summary>What follows every change: expiry timer, metrics, journal health, and for critical buckets the synchronous push.</summary>
public sealed partial class BucketGrain
{
    private long _seenOverflows;

    private async ValueTask AfterWriteAsync(bool changed)
    {
        if (!changed)
        {
            return;
        }

        EnsureExpiryTimer();
        ReportMetrics();
        if (_map.Journal is { } journal && journal.Overflows != _seenOverflows)
        {
            _seenOverflows = journal.Overflows;
            _metrics.JournalOverflowed();
            GrainsLog.JournalOverflowed(_logger, BucketId, _options.JournalCapacity, _options.JournalMaxBytes);
        }

        if (_policy.Durability == Durability.Critical)
        {
            try
            {
                await PushToQuorumAsync(_replicas.WriteQuorum(_tracks.Count));
            }
            finally
            {
                // The push acknowledged changes (or forced a snapshot): the silo's view must follow.
                ReportMetrics();
            }
        }
    }

    private BackupProgress BackupProgress() =>
        _map.Journal is { } journal
            ? new BackupProgress(journal.AcknowledgedSeq, journal.Count, _tracks.Replicas.Any(replica => _tracks.NeedsSnapshot(replica.Id, journal)))
            : new BackupProgress(_map.LastSeq, 0, false);
}
