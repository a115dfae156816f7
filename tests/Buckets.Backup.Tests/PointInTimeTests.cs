using Buckets.Backup.Storage;

namespace Buckets.Backup.Tests;

public sealed class PointInTimeTests : IDisposable
{
    private const string Bucket = "pit";
    private static readonly DateTimeOffset T0 = TestStore.Start;
    private readonly TestStore _t = new(compactionThresholdBytes: 1);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Reads_at_a_change_or_a_time_give_exactly_the_state_then()
    {
        await History();
        _t.Time.SetUtcNow(T0.AddMinutes(5));

        await AssertHistory();
    }

    [Fact]
    public async Task Reads_are_the_same_after_compaction_from_retired_files()
    {
        await History();
        _t.Time.SetUtcNow(T0.AddMinutes(5));

        Assert.True(await _t.Store.CompactIfNeededAsync(Bucket, Ct));

        await AssertHistory();
        await AssertHistory(_t.Reopen());
    }

    [Fact]
    public async Task A_read_at_a_time_before_a_compaction_includes_later_written_changes_stamped_before_it()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(Lines.Set(Bucket, 1, "a", "1", T0)), Ct);
        _t.Time.SetUtcNow(T0.AddHours(1));
        Assert.True(await _t.Store.CompactIfNeededAsync(Bucket, Ct));

        // Written after the compaction but stamped (by the grain's clock) before it.
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(Lines.Set(Bucket, 2, "b", "2", T0.AddMinutes(30))), Ct);

        Assert.Equal(["a=1", "b=2"], State.Entries(await _t.Store.ReadStateAsync(Bucket, null, T0.AddMinutes(40), Ct)));
        Assert.Equal(["a=1"], State.Entries(await _t.Store.ReadStateAsync(Bucket, null, T0.AddMinutes(20), Ct)));
    }

    /// <summary>
    /// 1 (T0): set a; 2 (T0+1m): set b, expiring T0+10m; 3 (T0+2m): delete a; 4 (T0+3m): set c;
    /// 5 (T0+4m): set d, expiring T0+6m.
    /// </summary>
    private async Task History()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(
            Lines.Set(Bucket, 1, "a", "1", T0),
            Lines.Set(Bucket, 2, "b", "2", T0.AddMinutes(1), T0.AddMinutes(10))), Ct);
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(
            Lines.Delete(Bucket, 3, "a", T0.AddMinutes(2)),
            Lines.Set(Bucket, 4, "c", "3", T0.AddMinutes(3)),
            Lines.Set(Bucket, 5, "d", "4", T0.AddMinutes(4), T0.AddMinutes(6))), Ct);
    }

    private async Task AssertHistory(FileBackupStore? store = null)
    {
        store ??= _t.Store;

        // At a change (inclusive); entries count as live now (T0+5m).
        Assert.Equal(["a=1"], State.Entries(await store.ReadStateAsync(Bucket, 1, null, Ct)));
        Assert.Equal(["a=1", "b=2"], State.Entries(await store.ReadStateAsync(Bucket, 2, null, Ct)));
        Assert.Equal(["b=2"], State.Entries(await store.ReadStateAsync(Bucket, 3, null, Ct)));
        Assert.Equal(["b=2", "c=3", "d=4"], State.Entries(await store.ReadStateAsync(Bucket, 5, null, Ct)));
        Assert.Equal(5, (await store.ReadStateAsync(Bucket, 99, null, Ct))!.Seq);
        Assert.Equal(2, (await store.ReadStateAsync(Bucket, 2, null, Ct))!.Seq);

        // At a time: changes stamped at or before it, entries live at that time.
        Assert.Equal(0, (await store.ReadStateAsync(Bucket, null, T0.AddSeconds(-1), Ct))!.Seq);
        Assert.Equal(["a=1"], State.Entries(await store.ReadStateAsync(Bucket, null, T0, Ct)));
        Assert.Equal(["a=1", "b=2"], State.Entries(await store.ReadStateAsync(Bucket, null, T0.AddSeconds(90), Ct)));
        var atDelete = await store.ReadStateAsync(Bucket, null, T0.AddMinutes(2), Ct);
        Assert.Equal(3, atDelete!.Seq);
        Assert.Equal(["b=2"], State.Entries(atDelete));
        Assert.Equal(["b=2", "c=3", "d=4"], State.Entries(await store.ReadStateAsync(Bucket, null, T0.AddMinutes(5), Ct)));
        Assert.Equal(["b=2", "c=3"], State.Entries(await store.ReadStateAsync(Bucket, null, T0.AddMinutes(6), Ct)));
        Assert.Equal(["c=3"], State.Entries(await store.ReadStateAsync(Bucket, null, T0.AddMinutes(10), Ct)));

        // Without a target: the end, minus what expired by now.
        var end = await store.ReadStateAsync(Bucket, null, null, Ct);
        Assert.Equal(5, end!.Seq);
        Assert.Equal(["b=2", "c=3", "d=4"], State.Entries(end));
    }
}
