using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Grains.Memory;

/// <summary>
/// Measures the silo's memory every <see cref="MemoryOptions.CheckInterval"/> and sets the
/// <see cref="MemoryPressure"/> verdict the grains read. Entering and leaving pressure is logged and
/// counted once, not per request. While under pressure it asks Orleans to deactivate this silo's
/// activations idle for <see cref="MemoryOptions.PressureIdleAge"/>: Orleans' own idle collection,
/// run early, so a bucket holding unstored changes (which delays its deactivation indefinitely) stays.
/// </summary>
public sealed class MemoryPressureMonitor(
    MemoryPressure pressure,
    IMemoryGauge gauge,
    IOptions<MemoryOptions> options,
    BucketsMetrics metrics,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    TimeProvider time,
    ILogger<MemoryPressureMonitor> logger) : BackgroundService
{
    private readonly MemoryOptions _options = options.Value;

    /// <summary>Measures once and acts on the result; the loop's body, callable by tests.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var highWater = _options.EffectiveHighWater(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
        var recovery = (long)(highWater * _options.RecoveryFraction);
        var measured = gauge.ReadBytes();
        if (pressure.Update(measured, highWater, recovery))
        {
            metrics.MemoryPressureChanged(pressure.IsUnderPressure);
            if (pressure.IsUnderPressure)
            {
                GrainsLog.MemoryPressureEntered(logger, measured, highWater, pressure.HeldBytes);
            }
            else
            {
                GrainsLog.MemoryPressureLeft(logger, measured, recovery, pressure.HeldBytes);
            }
        }

        if (pressure.IsUnderPressure)
        {
            await ShedIdleBucketsAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }

    private async Task ShedIdleBucketsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection([silo.SiloAddress], _options.PressureIdleAge, cancellationToken);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            // The silo may not have joined the cluster yet, or be leaving it; the next check retries.
            GrainsLog.SheddingFailed(logger, e);
        }
    }
}
