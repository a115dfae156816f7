using System.Diagnostics;
using Buckets.Abstractions;
using Buckets.Grains.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Buckets.Grains.Tests;

/// <summary>
/// One silo with a controlled backup server and a memory reading the test sets: the high-water mark
/// is 1 MB and memory is checked every 50 ms; under pressure, buckets idle for a second are collected.
/// </summary>
public sealed class MemoryPressureClusterFixture : ControlledBackupClusterFixture
{
    public const long HighWater = 1_000_000;

    public FakeMemoryGauge Gauge { get; } = new();

    public MemoryPressure Pressure => Cluster.Silos[0].ServiceProvider.GetRequiredService<MemoryPressure>();

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Buckets:Backup:Mode"] = "None",
        ["Buckets:Memory:HighWaterBytes"] = HighWater.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Buckets:Memory:CheckInterval"] = "00:00:00.050",
        ["Buckets:Memory:PressureIdleAge"] = "00:00:01",
    };

    protected override void ConfigureServices(IServiceCollection services)
    {
        base.ConfigureServices(services);
        services.AddSingleton<IMemoryGauge>(Gauge);
    }
}

public sealed class MemoryPressureTests(MemoryPressureClusterFixture fixture) : IClassFixture<MemoryPressureClusterFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>Every test leaves the silo out of pressure for the next.</summary>
    public async ValueTask DisposeAsync() => await LeavePressureAsync();

    [Fact]
    public async Task UnderMemoryPressureWritesAreRefusedWhileReadsAndDeletesGoOnAndWritesResumeAfter()
    {
        var (bucket, _) = fixture.NewBucket("pressure");
        Assert.True((await bucket.SetAsync(new SetCommand("kept", [1]))).Succeeded);
        Assert.True((await bucket.SetAsync(new SetCommand("doomed", [2]))).Succeeded);

        await EnterPressureAsync();

        var refused = await Assert.ThrowsAsync<BucketUnavailableException>(async () => await bucket.SetAsync(new SetCommand("new", [3])));
        Assert.Equal(BucketUnavailableException.MemoryPressure, refused.Reason);
        Assert.True(refused.RetryAfterSeconds > 0);
        var batch = await Assert.ThrowsAsync<BucketUnavailableException>(async () =>
            await bucket.ApplyBatchAsync([new BatchOperation(BatchOperationKind.Set, "new", [3])]));
        Assert.Equal(BucketUnavailableException.MemoryPressure, batch.Reason);
        Assert.Null(await bucket.GetAsync("new"));
        Assert.Equal([1], (await bucket.GetAsync("kept"))!.Value);
        Assert.True((await bucket.DeleteAsync("doomed", null)).Succeeded, "a delete frees memory and must go through under pressure");
        Assert.True((await bucket.ApplyBatchAsync([new BatchOperation(BatchOperationKind.Delete, "kept")])).Applied);

        await LeavePressureAsync();

        Assert.True((await bucket.SetAsync(new SetCommand("new", [3]))).Succeeded);
    }

    [Fact]
    public async Task UnderMemoryPressureIdleBucketsAreDeactivatedEarlyButOnlyOnceTheirChangesAreStored()
    {
        var (dirty, dirtyId) = fixture.NewBucket("pressure-unstored");
        var (clean, cleanId) = fixture.NewBucket("pressure-stored");
        fixture.Backup.FailAppends(dirtyId);
        Assert.True((await dirty.SetAsync(new SetCommand("k", [42]))).Succeeded);
        Assert.True((await clean.SetAsync(new SetCommand("k", [7]))).Succeeded);
        Assert.NotNull(await fixture.StoreOnceAsync(cleanId));
        await Assert.ThrowsAsync<HttpRequestException>(() => fixture.StoreOnceAsync(dirtyId));

        // The idle timeout is 15 minutes: only pressure can collect either bucket within the deadline.
        await EnterPressureAsync();
        await fixture.WaitDeactivatedAsync(cleanId, "stored bucket under pressure (pressure idle age 1 s)", Deadline);

        Assert.True(await fixture.IsActiveAsync(dirtyId), "a bucket holding unstored changes was deactivated under memory pressure");
        Assert.Equal(1, (await dirty.GetStatsAsync()).Backup.PendingChanges);
        Assert.Equal([42], (await dirty.GetAsync("k"))!.Value);

        fixture.Backup.StoreAppends(dirtyId);
        Assert.NotNull(await fixture.StoreOnceAsync(dirtyId));
        await fixture.WaitDeactivatedAsync(dirtyId, "bucket whose changes were stored, under pressure (pressure idle age 1 s)", Deadline);
        Assert.Contains(fixture.Backup.Appended(dirtyId), b => b.Englang.Length > 0);
    }

    [Fact]
    public async Task BucketsAccountTheBytesTheyHoldToTheSilo()
    {
        var (bucket, _) = fixture.NewBucket("held");
        var before = fixture.Pressure.HeldBytes;

        Assert.True((await bucket.SetAsync(new SetCommand("k", new byte[10_000]))).Succeeded);

        // The entry and its journal copy (kept until the backup server stores it).
        Assert.InRange(fixture.Pressure.HeldBytes - before, 2 * 10_000, 2 * 10_000 + 1024);
        Assert.True((await bucket.DeleteAsync("k", null)).Succeeded);
        Assert.InRange(fixture.Pressure.HeldBytes - before, 0, 10_000 + 1024);
    }

    private async Task EnterPressureAsync()
    {
        fixture.Gauge.Bytes = 2 * MemoryPressureClusterFixture.HighWater;
        await WaitForAsync(() => fixture.Pressure.IsUnderPressure, "entering memory pressure");
    }

    private async Task LeavePressureAsync()
    {
        fixture.Gauge.Bytes = 0;
        await WaitForAsync(() => !fixture.Pressure.IsUnderPressure, "leaving memory pressure");
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < Deadline, $"timed out {what} after {clock.Elapsed}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
