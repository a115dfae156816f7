namespace Buckets.Grains;

/// <summary>
/// Active expiry: a timer that runs only while the bucket holds expiring entries, due at the earliest
/// deadline (not on a fixed beat), so an entry's expiry change is recorded right after its deadline.
/// A sweep removes at most <c>ExpirySweepBatch</c> entries so requests interleave; when more are due
/// the next sweep follows after <c>ExpiryCatchUpDelay</c>. Each removal is an expiry change (journaled,
/// backed up, reported by the change feed).
/// </summary>
public sealed partial class BucketGrain
{
    private DateTimeOffset _expiryDueAt = DateTimeOffset.MaxValue;

    private void EnsureExpiryTimer()
    {
        if (_map.NextExpiry is not { } next)
        {
            return;
        }

        if (_expiryTimer is null)
        {
            // KeepAlive = false: sweeping must not keep an idle bucket in memory.
            _expiryTimer = this.RegisterGrainTimer(
                SweepExpired,
                new GrainTimerCreationOptions(DueIn(next), Timeout.InfiniteTimeSpan) { Interleave = false, KeepAlive = false });
            _expiryDueAt = Now + DueIn(next);
        }
        else if (next < _expiryDueAt)
        {
            // A write brought a deadline earlier than the one the timer waits for.
            ScheduleSweep(DueIn(next));
        }
    }

    private Task SweepExpired(CancellationToken cancellationToken)
    {
        _expiryDueAt = DateTimeOffset.MaxValue;
        var removed = _map.ReclaimExpired(Now, _options.ExpirySweepBatch);
        ReportMetrics();
        if (_map.NextExpiry is not { } next)
        {
            _expiryTimer?.Dispose();
            _expiryTimer = null;
        }
        else
        {
            ScheduleSweep(removed >= _options.ExpirySweepBatch ? _options.ExpiryCatchUpDelay : DueIn(next));
        }

        return Task.CompletedTask;
    }

    private void ScheduleSweep(TimeSpan due)
    {
        _expiryDueAt = Now + due;
        _expiryTimer?.Change(due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>How long until <paramref name="deadline"/>, at least the catch-up delay and at most the sweep interval (so a clock jump is caught).</summary>
    private TimeSpan DueIn(DateTimeOffset deadline)
    {
        var due = deadline - Now;
        return due < _options.ExpiryCatchUpDelay ? _options.ExpiryCatchUpDelay
            : due > _options.ExpirySweepInterval ? _options.ExpirySweepInterval
            : due;
    }
}
