using Buckets.Abstractions;

namespace Buckets.Grains.Tests;

/// <summary>A one-silo cluster whose buckets go idle after two seconds and which may hold 64 KiB of unstored changes.</summary>
public sealed class UnstoredBudgetClusterFixture : ControlledBackupClusterFixture
{
    public const int Budget = 64 * 1024;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Buckets:Backup:Mode"] = "None",
        ["Buckets:Grain:IdleTimeout"] = "00:00:02",
        ["Buckets:Grain:UnstoredBytesBudget"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Buckets:Grain:JournalMaxBytes"] = (Budget * 3 / 4).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

public sealed class UnstoredChangesTests(UnstoredBudgetClusterFixture fixture) : IClassFixture<UnstoredBudgetClusterFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BucketWithUnstoredChangesOutlivesItsIdleTimeoutAndKeepsThem()
    {
        var (dirty, dirtyId) = fixture.NewBucket("unstored");
        var (clean, cleanId) = fixture.NewBucket("stored");
        fixture.Backup.FailAppends(dirtyId);
        Assert.True((await dirty.SetAsync(new SetCommand("k", [42]))).Succeeded);
        Assert.True((await clean.SetAsync(new SetCommand("k", [7]))).Succeeded);
        Assert.NotNull(await fixture.StoreOnceAsync(cleanId));
        Assert.True(await fixture.IsActiveAsync(dirtyId));

        // The clean bucket was used last: once it is collected, the dirty one is past its idle timeout too.
        await fixture.WaitDeactivatedAsync(cleanId, "stored bucket (idle timeout 2 s)", Deadline);

        Assert.True(await fixture.IsActiveAsync(dirtyId), "a bucket holding unstored changes was deactivated when idle");
        var stats = await dirty.GetStatsAsync();
        Assert.Equal(1, stats.Backup.PendingChanges);
        Assert.Equal([42], (await dirty.GetAsync("k"))!.Value);

        // Once the backup server has them, the bucket may go idle like any other.
        fixture.Backup.StoreAppends(dirtyId);
        var batch = await fixture.StoreOnceAsync(dirtyId);
        Assert.Equal(stats.LastChange, batch?.ToSeq);
        await fixture.WaitDeactivatedAsync(dirtyId, "bucket whose changes were stored (idle timeout 2 s)", Deadline);
    }

    [Fact]
    public async Task WritesPastTheUnstoredBudgetAreRefusedWhileReadsWork()
    {
        const int ValueBytes = 1024;
        var buckets = new[] { fixture.NewBucket("budget-a"), fixture.NewBucket("budget-b") };
        foreach (var (_, id) in buckets)
        {
            fixture.Backup.FailAppends(id);
        }

        BucketUnavailableException? refused = null;
        var written = 0;
        var limit = 4 * UnstoredBudgetClusterFixture.Budget / ValueBytes;
        while (refused is null && written < limit)
        {
            var bucket = buckets[written % 2].Bucket;
            try
            {
                Assert.True((await bucket.SetAsync(new SetCommand($"k{written}", new byte[ValueBytes]))).Succeeded);
                written++;
            }
            catch (BucketUnavailableException e)
            {
                refused = e;
            }
        }

        Assert.True(refused is not null, $"{written} writes of {ValueBytes} bytes were accepted with a budget of {UnstoredBudgetClusterFixture.Budget} unstored bytes");
        Assert.Contains("Nothing was written", refused.Message, StringComparison.Ordinal);
        Assert.True(refused.RetryAfterSeconds > 0);
        var refusedBucket = buckets[written % 2].Bucket;
        Assert.Null(await refusedBucket.GetAsync($"k{written}"));
        Assert.NotNull(await buckets[0].Bucket.GetAsync("k0"));
        Assert.NotNull(await buckets[1].Bucket.GetAsync("k1"));

        // Once the backup server stores them, writes are taken again.
        foreach (var (_, id) in buckets)
        {
            fixture.Backup.StoreAppends(id);
            Assert.NotNull(await fixture.StoreOnceAsync(id));
        }

        Assert.True((await refusedBucket.SetAsync(new SetCommand($"k{written}", new byte[ValueBytes]))).Succeeded);
    }
}
