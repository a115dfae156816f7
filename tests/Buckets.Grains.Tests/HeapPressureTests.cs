using System.Diagnostics;
using Buckets.Abstractions;
using Buckets.Grains.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Buckets.Grains.Tests;

/// <summary>
/// One silo measuring memory the production way (<see cref="GcMemoryGauge"/>: the larger of the GC
/// heap and the buckets' accounted bytes), with the heap counted from a baseline the test takes, so
/// the mark is 64 MiB above whatever the test process already holds.
/// </summary>
public sealed class HeapPressureClusterFixture : ClusterFixture
{
    public const long Headroom = 64L * 1024 * 1024;

    public BaselineGauge Gauge { get; private set; } = null!;

    public MemoryPressure Pressure => Cluster.Silos[0].ServiceProvider.GetRequiredService<MemoryPressure>();

    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Buckets:Memory:HighWaterBytes"] = Headroom.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Buckets:Memory:CheckInterval"] = "00:00:00.050",
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IMemoryGauge>(sp => Gauge = new BaselineGauge(sp.GetRequiredService<MemoryPressure>()));

    /// <summary>The production reading, its heap part counted from a baseline.</summary>
    public sealed class BaselineGauge(MemoryPressure pressure) : IMemoryGauge
    {
        private long _baseline;

        public long Baseline
        {
            get => Interlocked.Read(ref _baseline);
            set => Interlocked.Exchange(ref _baseline, value);
        }

        public static long ReadHeap() => GC.GetGCMemoryInfo().HeapSizeBytes;

        public long ReadBytes() => Math.Max(ReadHeap() - Baseline, pressure.HeldBytes);
    }
}

/// <summary>Alone: other tests' clusters would move the heap this test measures.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasuringGroup
{
    public const string Name = "heap measuring";
}

[Collection(HeapMeasuringGroup.Name)]
public sealed class HeapPressureTests(HeapPressureClusterFixture fixture) : IClassFixture<HeapPressureClusterFixture>
{
    private const int ValueBytes = 256 * 1024;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task WritesAreRefusedSoonAfterTheHeapPassesTheMarkAndAcceptedOnceItIsFreed()
    {
        var bucket = fixture.Grains.GetGrain<IBucketGrain>("heap-" + Guid.NewGuid().ToString("N"));
        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Cache, null));
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        fixture.Gauge.Baseline = HeapPressureClusterFixture.BaselineGauge.ReadHeap();
        // Until the baseline was taken the whole heap counted: let the monitor see it first.
        var settle = Stopwatch.StartNew();
        while (fixture.Pressure.IsUnderPressure)
        {
            Assert.True(settle.Elapsed < Deadline, $"still under pressure {settle.Elapsed} after the baseline was taken: {fixture.Pressure.MeasuredBytes} bytes above it");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        long written = 0;
        BucketUnavailableException? refused = null;
        var clock = Stopwatch.StartNew();
        while (refused is null && written < 4 * HeapPressureClusterFixture.Headroom)
        {
            try
            {
                Assert.True((await bucket.SetAsync(new SetCommand($"k{written}", new byte[ValueBytes]))).Succeeded);
                written += ValueBytes;
            }
            catch (BucketUnavailableException e) when (e.Reason == BucketUnavailableException.MemoryPressure)
            {
                refused = e;
            }
        }

        Assert.True(refused is not null, $"{written} bytes were written with a high-water mark {HeapPressureClusterFixture.Headroom} bytes above the baseline");
        // The verdict lags by a check interval and a collection: a bounded overshoot, never unbounded growth.
        Assert.InRange(written, 0, HeapPressureClusterFixture.Headroom + (HeapPressureClusterFixture.Headroom / 2));
        var measured = fixture.Pressure.MeasuredBytes;
        Assert.NotNull(await bucket.GetAsync("k0"));
        TestContext.Current.SendDiagnosticMessage($"refused after {written} bytes in {clock.Elapsed}; measured {measured} bytes above the baseline");

        await bucket.EraseAsync();
        var recovery = Stopwatch.StartNew();
        while (fixture.Pressure.IsUnderPressure)
        {
            Assert.True(recovery.Elapsed < Deadline, $"still under pressure {recovery.Elapsed} after the bucket was erased: {fixture.Pressure.MeasuredBytes} bytes above the baseline");
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.True((await bucket.SetAsync(new SetCommand("after", [1]))).Succeeded);
    }
}
