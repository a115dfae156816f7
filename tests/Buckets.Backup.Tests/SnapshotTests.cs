using System.Text;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Storage;
using Buckets.Englang;

namespace Buckets.Backup.Tests;

public sealed class SnapshotTests : IDisposable
{
    private const string Bucket = "snap";
    private readonly TestStore _t = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task A_grain_snapshot_becomes_the_base_and_later_changes_continue_from_it()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct);
        var snapshotAt = TestStore.Start.AddMinutes(5);

        var stored = await _t.Store.AppendSnapshotAsync(Bucket, epoch, AppendTests.SnapshotOf(Bucket, 10, snapshotAt, ("a", "1"), ("b", "2")), Ct);
        var next = await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(Lines.Set(Bucket, 11, "c", "3", snapshotAt.AddSeconds(1))), Ct);

        Assert.Equal(new AppendResult(AckStatus.Stored, 10), stored);
        Assert.Equal(new AppendResult(AckStatus.Stored, 11), next);
        var snapshot = await _t.Store.ReadStateAsync(Bucket, null, null, Ct);
        Assert.Equal(11, snapshot!.Seq);
        Assert.Equal(["a=1", "b=2", "c=3"], State.Entries(snapshot));
        var header = State.Header(snapshot);
        Assert.Equal(EnglangDurability.Critical, header.Durability);
        Assert.Equal(TimeSpan.FromHours(1), header.DefaultTtl);

        var info = await _t.Store.DescribeAsync(Bucket, Ct);
        var live = info!.Files.Where(f => !f.Retired).ToList();
        Assert.Equal("snapshot-000000000010-20260301T120500Z.englang", live[0].Name);
        Assert.Equal(("changes", 11L, 11L), (live[1].Kind, live[1].FromSeq, live[1].ToSeq));
        var retired = Assert.Single(info.Files, f => f.Retired);
        Assert.Equal("changes-000000000001-000000000003-20260301T120000Z.englang", retired.Name);

        // The retired segment still serves reads before the snapshot.
        Assert.Equal(["key1=value1", "key2=value2"], State.Entries(await _t.Store.ReadStateAsync(Bucket, 2, null, Ct)));
        Assert.Equal(["a=1", "b=2"], State.Entries(await _t.Store.ReadStateAsync(Bucket, 10, null, Ct)));

        // And all of it survives a restart.
        var reopened = _t.Reopen();
        Assert.Equal(["a=1", "b=2", "c=3"], State.Entries(await reopened.ReadStateAsync(Bucket, null, null, Ct)));
        Assert.Equal(AckStatus.Gap, (await reopened.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 13, 13, TestStore.Start), Ct)).Status);
    }

    [Fact]
    public async Task ASnapshotNotNewerThanWhatIsStoredIsAConflictUnlessItIsTheStoredBaseResent()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct);
        var before = _t.BucketFiles(Bucket);

        var older = await _t.Store.AppendSnapshotAsync(Bucket, epoch, AppendTests.SnapshotOf(Bucket, 3, null, ("x", "y")), Ct);

        Assert.Equal((AckStatus.Conflict, 3L), (older.Status, older.LastSeq));
        Assert.Equal(before, _t.BucketFiles(Bucket));
        Assert.Equal(3, (await _t.Store.ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);

        // A retry of the snapshot that became the base (its acknowledgement was lost) is stored.
        var base5 = AppendTests.SnapshotOf(Bucket, 5, null, ("x", "y"));
        Assert.Equal(new AppendResult(AckStatus.Stored, 5), await _t.Store.AppendSnapshotAsync(Bucket, epoch, base5, Ct));
        Assert.Equal(new AppendResult(AckStatus.Stored, 5), await _t.Reopen().AppendSnapshotAsync(Bucket, epoch, base5, Ct));
    }

    [Theory]
    [InlineData("digest")]
    [InlineData("count")]
    [InlineData("no-footer")]
    [InlineData("other-bucket")]
    [InlineData("change-line")]
    public async Task A_damaged_snapshot_is_refused(string damage)
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        var good = Encoding.UTF8.GetString(AppendTests.SnapshotOf(Bucket, 5, null, ("a", "1"), ("b", "2")));
        var lines = good.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l + "\n").ToList();
        var snapshot = damage switch
        {
            // Re-written with a valid checksum, so only the digest catches the changed entry.
            "digest" => string.Concat(lines[0], EnglangWriter.Format(new SnapshotEntryRecord(TestStore.Start, Bucket, "a", "9"u8.ToArray(), null, 1)), lines[2], lines[3]),
            "count" => string.Concat(lines[0], lines[1], lines[3]),
            "no-footer" => string.Concat(lines[0], lines[1], lines[2]),
            "other-bucket" => Encoding.UTF8.GetString(AppendTests.SnapshotOf("other", 5, null, ("a", "1"))),
            _ => good + EnglangWriter.Format(Lines.Set(Bucket, 6, "c", "3", TestStore.Start)),
        };

        var result = await _t.Store.AppendSnapshotAsync(Bucket, epoch, Encoding.UTF8.GetBytes(snapshot), Ct);

        Assert.Equal(AckStatus.Invalid, result.Status);
        Assert.Equal(0, result.LastSeq);
        Assert.NotNull(result.Detail);
        Assert.Equal(["manifest.json"], _t.BucketFiles(Bucket));
    }

    [Fact]
    public async Task A_restored_epoch_hands_out_the_snapshot_state()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendSnapshotAsync(Bucket, epoch, AppendTests.SnapshotOf(Bucket, 7, null, ("a", "1")), Ct);

        var grant = await _t.Reopen().OpenEpochAsync(Bucket, Ct);

        Assert.Equal(7, grant.LastSeq);
        var state = State.Parse(grant.Snapshot);
        Assert.Equal(7, state.LastSeq);
        Assert.Equal(EnglangDurability.Critical, state.Durability);
        Assert.Equal("1", Encoding.UTF8.GetString(state.Entries["a"].Value));
    }
}
