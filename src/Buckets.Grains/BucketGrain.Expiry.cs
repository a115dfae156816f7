namespace Buckets.Grains;

/// <summary>Active expiry: a timer that runs only while the bucket holds expiring entries.</summary>
public sealed partial class BucketGrain
{
    private void EnsureExpiryTimer()
    {
        if (_expiryTimer is not null || !_map.HasExpiringEntries)
        {
            return;
        }

        // KeepAlive = false: sweeping must not keep an idle bucket in memory.
        _expiryTimer = this.RegisterGrainTimer(
            SweepExpired,
            new GrainTimerCreationOptions(_options.ExpirySweepInterval, _options.ExpirySweepInterval) { Interleave = false, KeepAlive = false });
    }

    private Task SweepExpired(CancellationToken cancellationToken)
    {
        _map.ReclaimExpired(Now, _options.ExpirySweepBatch);
        ReportMetrics();
        if (!_map.HasExpiringEntries)
        {
            _expiryTimer?.Dispose();
            _expiryTimer = null;
        }

        return Task.CompletedTask;
    }
}
