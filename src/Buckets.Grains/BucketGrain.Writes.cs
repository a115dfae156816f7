using Buckets.Abstractions;

namespace Buckets.Grains;

/// <summary>
/// What follows every change: expiry timer, metrics, journal health, for critical buckets the
/// synchronous push, and once the bucket goes quiet the trim of its map's spare capacity.
/// </summary>
public sealed partial class BucketGrain
{
    private long _seenOverflows;
    private IGrainTimer? _trimTimer;
    private long _trimSeenSeq;

    private async ValueTask AfterWriteAsync(bool changed)
    {
        if (!changed)
        {
            return;
        }

        AfterChange();
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

    /// <summary>What follows every change at once, in the change's own turn: all of <see cref="AfterWriteAsync"/> but a critical bucket's push.</summary>
    private void AfterChange()
    {
        EnsureExpiryTimer();
        ReportMetrics();
        if (_map.Journal is { } journal && journal.Overflows != _seenOverflows)
        {
            _seenOverflows = journal.Overflows;
            _metrics.JournalOverflowed();
            GrainsLog.JournalOverflowed(_logger, BucketId, _options.JournalCapacity, _options.JournalMaxBytes);
        }
    }

    private BackupProgress BackupProgress() =>
        _map.Journal is { } journal
            ? new BackupProgress(journal.AcknowledgedSeq, journal.Count, _tracks.Replicas.Any(replica => _tracks.NeedsSnapshot(replica.Id, journal)))
            : new BackupProgress(_map.LastSeq, 0, false);

    /// <summary>
    /// Arms the trim check when the map holds enough spare capacity to be worth giving back. Cheap
    /// enough for every request: a field test, or a few field reads of the map.
    /// </summary>
    private void ScheduleTrim()
    {
        if (_trimTimer is not null || !_map.WorthTrimming)
        {
            return;
        }

        _trimSeenSeq = _map.LastSeq;
        // KeepAlive = false: the check must not keep an idle bucket in memory.
        _trimTimer = this.RegisterGrainTimer(
            TrimWhenQuiet,
            new GrainTimerCreationOptions(_options.TrimDelay, _options.TrimDelay) { Interleave = false, KeepAlive = false });
    }

    /// <summary>Trims once a whole <c>TrimDelay</c> passed without a change (every change moves <c>LastSeq</c>), then stops the timer.</summary>
    private Task TrimWhenQuiet(CancellationToken cancellationToken)
    {
        if (_map.LastSeq != _trimSeenSeq)
        {
            _trimSeenSeq = _map.LastSeq;
            return Task.CompletedTask;
        }

        _map.TrimExcess();
        _trimTimer?.Dispose();
        _trimTimer = null;
        return Task.CompletedTask;
    }
}
