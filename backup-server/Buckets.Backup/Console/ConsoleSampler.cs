using System.Collections.Concurrent;
using Buckets.Backup.Status;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Console;

/// <summary>Samples <see cref="BackupHealth"/> every <see cref="ConsoleOptions.SampleInterval"/> for the plots; keeps <see cref="ConsoleOptions.PlotWindow"/>.</summary>
public sealed class ConsoleSampler(BackupHealth health, TimeProvider time, IOptions<ConsoleOptions> options) : BackgroundService
{
    private readonly ConcurrentQueue<HealthSample> _samples = new();
    private (DateTimeOffset At, long Changes)? _previous;

    /// <summary>The samples of the plot window, oldest first.</summary>
    public IReadOnlyList<HealthSample> Samples => [.. _samples];

    /// <summary>Takes one sample now (also called by the loop).</summary>
    public void Sample()
    {
        var now = time.GetUtcNow();
        var status = health.Snapshot();
        var changes = health.ChangesStored;
        var rate = _previous is { } previous && now > previous.At ? (changes - previous.Changes) / (now - previous.At).TotalSeconds : 0;
        _previous = (now, changes);
        _samples.Enqueue(new HealthSample(now, status.LagP99Seconds, rate, status.DiskFreeBytes));
        while (_samples.TryPeek(out var oldest) && now - oldest.At > options.Value.PlotWindow)
        {
            _samples.TryDequeue(out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SampleInterval, time);
        Sample();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sample();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: nothing to keep.
        }
    }
}
