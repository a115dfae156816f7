using System.Text;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Storage;
using Buckets.Englang;

namespace Buckets.Backup.Tests;

public sealed class AppendTests : IDisposable
{
    private const string Bucket = "cart-7f3a";
    private readonly TestStore _t = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task A_bucket_never_seen_gets_epoch_1_and_an_empty_state()
    {
        Assert.Null(await _t.Store.ReadStateAsync(Bucket, null, null, Ct));
        Assert.Null(await _t.Store.DescribeAsync(Bucket, Ct));

        var grant = await _t.Store.OpenEpochAsync(Bucket, Ct);

        Assert.Equal(1, grant.Epoch);
        Assert.Equal(0, grant.LastSeq);
        var state = State.Parse(grant.Snapshot);
        Assert.Empty(state.Entries);
        Assert.Equal(0, state.LastSeq);
        Assert.Equal([Bucket], _t.Store.ListBuckets());
    }

    [Fact]
    public async Task Appended_changes_read_back_with_their_policy()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        var at = TestStore.Start;
        var lines = Lines.Of(
            Lines.Set(Bucket, 1, "cart", "3 apples", at),
            Lines.Set(Bucket, 2, "note", "line 1\nline 2", at.AddSeconds(1)),
            new SetRecord(at.AddSeconds(2), Bucket, 3, "avatar.png", [0x89, 0x50, 0x00, 0xFF], null),
            Lines.Delete(Bucket, 4, "cart", at.AddSeconds(3)),
            new PolicyRecord(at.AddSeconds(4), Bucket, 5, EnglangDurability.Critical, TimeSpan.FromHours(1)));

        var result = await _t.Store.AppendChangesAsync(Bucket, epoch, lines, Ct);

        Assert.Equal(new AppendResult(AckStatus.Stored, 5), result);
        var snapshot = await _t.Store.ReadStateAsync(Bucket, null, null, Ct);
        Assert.Equal(5, snapshot!.Seq);
        var state = State.Parse(snapshot);
        Assert.Equal(["avatar.png", "note"], state.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([0x89, 0x50, 0x00, 0xFF], state.Entries["avatar.png"].Value);
        Assert.Equal("line 1\nline 2", Encoding.UTF8.GetString(state.Entries["note"].Value));
        var header = State.Header(snapshot);
        Assert.Equal(EnglangDurability.Critical, header.Durability);
        Assert.Equal(TimeSpan.FromHours(1), header.DefaultTtl);

        // The bytes on disk are the lines as sent.
        Assert.Equal(lines, await File.ReadAllBytesAsync(_t.OpenSegmentPath(Bucket), Ct));
    }

    [Fact]
    public async Task Re_appending_stored_changes_is_a_no_op_and_new_ones_in_the_batch_are_kept()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        Assert.Equal(AckStatus.Stored, (await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct)).Status);

        Assert.Equal(new AppendResult(AckStatus.Stored, 3), await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct));
        Assert.Equal(new AppendResult(AckStatus.Stored, 3), await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 2, 2, TestStore.Start), Ct));
        Assert.Equal(new AppendResult(AckStatus.Stored, 5), await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 2, 5, TestStore.Start), Ct));
        Assert.Equal(new AppendResult(AckStatus.Stored, 5), await _t.Store.AppendChangesAsync(Bucket, epoch, ReadOnlyMemory<byte>.Empty, Ct));

        Assert.Equal(Lines.Range(Bucket, 1, 5, TestStore.Start), await File.ReadAllBytesAsync(_t.OpenSegmentPath(Bucket), Ct));
        Assert.Equal(5, (await _t.Store.ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);
    }

    [Fact]
    public async Task A_batch_that_does_not_follow_the_last_change_is_a_gap()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 2, TestStore.Start), Ct);

        var result = await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 4, 5, TestStore.Start), Ct);

        Assert.Equal(AckStatus.Gap, result.Status);
        Assert.Equal(2, result.LastSeq);
        Assert.Contains("3", result.Detail, StringComparison.Ordinal);
        Assert.Equal(2, (await _t.Store.ReadStateAsync(Bucket, null, null, Ct))!.Seq);
    }

    [Fact]
    public async Task An_older_epoch_is_fenced_off_and_a_newer_one_is_learned_from_its_writes()
    {
        var first = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, first, Lines.Range(Bucket, 1, 2, TestStore.Start), Ct);
        var second = await _t.Store.OpenEpochAsync(Bucket, Ct);
        Assert.Equal(first + 1, second.Epoch);
        Assert.Equal(2, second.LastSeq);
        Assert.Equal(2, State.Parse(second.Snapshot).Entries.Count);

        var stale = await _t.Store.AppendChangesAsync(Bucket, first, Lines.Range(Bucket, 3, 3, TestStore.Start), Ct);
        var staleSnapshot = await _t.Store.AppendSnapshotAsync(Bucket, first, SnapshotOf(Bucket, 9), Ct);
        var current = await _t.Store.AppendChangesAsync(Bucket, second.Epoch, Lines.Range(Bucket, 3, 3, TestStore.Start), Ct);

        // An epoch a majority of the other replicas granted while this one was away: learned, and
        // from then on the one before it is fenced off here too.
        var learned = second.Epoch + 5;
        var future = await _t.Store.AppendChangesAsync(Bucket, learned, Lines.Range(Bucket, 4, 4, TestStore.Start), Ct);
        var previous = await _t.Store.AppendChangesAsync(Bucket, second.Epoch, Lines.Range(Bucket, 5, 5, TestStore.Start), Ct);

        Assert.Equal(new AppendResult(AckStatus.StaleEpoch, 2), stale with { Detail = null });
        Assert.Equal(AckStatus.StaleEpoch, staleSnapshot.Status);
        Assert.Equal(new AppendResult(AckStatus.Stored, 3), current);
        Assert.Equal(new AppendResult(AckStatus.Stored, 4), future);
        Assert.Equal(AckStatus.StaleEpoch, previous.Status);

        // The epoch is durable: a restarted store still fences the old activation.
        var reopened = _t.Reopen();
        Assert.Equal(AckStatus.StaleEpoch, (await reopened.AppendChangesAsync(Bucket, first, Lines.Range(Bucket, 5, 5, TestStore.Start), Ct)).Status);
        var next = await reopened.OpenEpochAsync(Bucket, Ct);
        Assert.Equal(learned + 1, next.Epoch);
        Assert.Equal(learned, next.WriterEpoch);
    }

    [Fact]
    public async Task A_replica_that_missed_the_election_stores_the_first_changes_under_the_epoch_they_carry()
    {
        var result = await _t.Store.AppendChangesAsync(Bucket, 3, Lines.Range(Bucket, 1, 1, TestStore.Start), Ct);
        var zero = await _t.Store.AppendChangesAsync(Bucket, 0, Lines.Range(Bucket, 2, 2, TestStore.Start), Ct);
        var older = await _t.Store.AppendChangesAsync(Bucket, 2, Lines.Range(Bucket, 2, 2, TestStore.Start), Ct);

        Assert.Equal(new AppendResult(AckStatus.Stored, 1), result);
        Assert.Equal(AckStatus.Invalid, zero.Status);
        Assert.Equal(AckStatus.StaleEpoch, older.Status);
        Assert.True(Directory.Exists(_t.BucketDirectory(Bucket)));
    }

    [Fact]
    public async Task A_proposed_epoch_is_granted_once_and_only_above_every_epoch_known()
    {
        var first = await _t.Store.OpenEpochAsync(Bucket, new EpochRequest(7, WithState: false), Ct);
        var again = await _t.Store.OpenEpochAsync(Bucket, new EpochRequest(7, WithState: false), Ct);
        var lower = await _t.Store.OpenEpochAsync(Bucket, new EpochRequest(5, WithState: true), Ct);
        await _t.Store.AppendChangesAsync(Bucket, 7, Lines.Range(Bucket, 1, 2, TestStore.Start), Ct);
        var next = await _t.Store.OpenEpochAsync(Bucket, Ct);

        Assert.True(first.Granted);
        Assert.Equal(7, first.Epoch);
        Assert.Empty(first.Snapshot);
        Assert.False(again.Granted);
        Assert.Equal(7, again.Epoch);
        Assert.False(lower.Granted);
        Assert.Empty(lower.Snapshot);
        Assert.Equal((8, 7, 2), (next.Epoch, next.WriterEpoch, next.LastSeq));
        Assert.Equal(AckStatus.StaleEpoch, (await _t.Store.AppendChangesAsync(Bucket, 7, Lines.Range(Bucket, 3, 3, TestStore.Start), Ct)).Status);
    }

    [Theory]
    [InlineData("checksum")]
    [InlineData("other-bucket")]
    [InlineData("not-contiguous")]
    [InlineData("no-line-feed")]
    [InlineData("snapshot-line")]
    public async Task Malformed_lines_are_refused_naming_the_line_and_nothing_is_stored(string damage)
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 1, TestStore.Start), Ct);
        var good = Lines.Range(Bucket, 2, 3, TestStore.Start);
        var lines = damage switch
        {
            "checksum" => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(good).Replace("value3", "value4", StringComparison.Ordinal)),
            "other-bucket" => [.. Lines.Range(Bucket, 2, 2, TestStore.Start), .. Lines.Range("other", 3, 3, TestStore.Start)],
            "not-contiguous" => [.. Lines.Range(Bucket, 2, 2, TestStore.Start), .. Lines.Range(Bucket, 4, 4, TestStore.Start)],
            "no-line-feed" => good[..^1],
            _ => [.. Lines.Range(Bucket, 2, 2, TestStore.Start), .. Encoding.UTF8.GetBytes(EnglangWriter.Format(
                new SnapshotEntryRecord(TestStore.Start, Bucket, "k", [1], null, 1)))],
        };

        var result = await _t.Store.AppendChangesAsync(Bucket, epoch, lines, Ct);

        Assert.Equal(AckStatus.Invalid, result.Status);
        Assert.Equal(1, result.LastSeq);
        Assert.StartsWith("line 2:", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("value", result.Detail, StringComparison.Ordinal);
        Assert.Equal(Lines.Range(Bucket, 1, 1, TestStore.Start), await File.ReadAllBytesAsync(_t.OpenSegmentPath(Bucket), Ct));
    }

    [Fact]
    public async Task Buckets_are_served_in_parallel_and_each_keeps_its_order()
    {
        var buckets = Enumerable.Range(0, 6).Select(i => $"b{i}").ToList();
        await Task.WhenAll(buckets.Select(async bucket =>
        {
            var epoch = (await _t.Store.OpenEpochAsync(bucket, Ct)).Epoch;
            await Task.WhenAll(Enumerable.Range(1, 20).Select(seq =>
                _t.Store.AppendChangesAsync(bucket, epoch, Lines.Range(bucket, 1, seq, TestStore.Start), Ct)));
        }));

        foreach (var bucket in buckets)
        {
            var snapshot = await _t.Store.ReadStateAsync(bucket, null, null, Ct);
            Assert.Equal(20, snapshot!.Seq);
            Assert.Equal(20, snapshot.EntryCount);
        }
    }

    internal static byte[] SnapshotOf(string bucket, long seq, DateTimeOffset? at = null, params (string Key, string Value)[] entries)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        SnapshotWriter.Write(buffer, bucket, at ?? TestStore.Start, seq, EnglangDurability.Critical, TimeSpan.FromHours(1),
            entries.Select(e => (e.Key, Encoding.UTF8.GetBytes(e.Value), (DateTimeOffset?)null, Math.Min(seq, 1L))));
        return buffer.WrittenSpan.ToArray();
    }
}
