using Buckets.Abstractions.Backup;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Logging;

namespace Buckets.Backup.Tests;

public sealed class RecoveryTests : IDisposable
{
    private const string Bucket = "torn";
    private readonly TestStore _t = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task A_torn_last_line_is_cut_at_every_byte_offset_and_every_complete_line_is_kept()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct);
        var path = _t.OpenSegmentPath(Bucket);
        var good = await File.ReadAllBytesAsync(path, Ct);
        var fourth = Lines.Range(Bucket, 4, 4, TestStore.Start);

        // Every proper prefix of the fourth line, from one byte to all but its line feed.
        for (var cut = 1; cut < fourth.Length; cut++)
        {
            await File.WriteAllBytesAsync(path, [.. good, .. fourth[..cut]], Ct);
            var store = _t.Reopen();

            var snapshot = await store.ReadStateAsync(Bucket, null, null, Ct);

            Assert.Equal(3, snapshot!.Seq);
            Assert.Equal(["key1=value1", "key2=value2", "key3=value3"], State.Entries(snapshot));
            Assert.Equal(good, await File.ReadAllBytesAsync(path, Ct));
            var warning = Assert.Single(_t.Logger.Entries, e => e.Id.Id == 3001);
            Assert.Equal(LogLevel.Warning, warning.Level);
            Assert.Contains(Path.GetFileName(path), warning.Message, StringComparison.Ordinal);
            Assert.Contains("line 4", warning.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("value4", warning.Message, StringComparison.Ordinal);
        }

        // The cut tail is durable and appending resumes right after the last complete line.
        var resumed = await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 4, TestStore.Start), Ct);
        Assert.Equal(new AppendResult(AckStatus.Stored, 4), resumed);
        byte[] expected = [.. good, .. fourth];
        Assert.Equal(expected, await File.ReadAllBytesAsync(path, Ct));
    }

    [Fact]
    public async Task Changes_after_the_manifest_last_seq_are_adopted_from_the_open_segment()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        for (var seq = 1; seq <= 5; seq++)
        {
            await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, seq, seq, TestStore.Start), Ct);
        }

        var manifest = await File.ReadAllTextAsync(Path.Combine(_t.BucketDirectory(Bucket), "manifest.json"), Ct);
        Assert.Contains("\"lastSeq\": 0", manifest, StringComparison.Ordinal);

        var store = _t.Reopen();
        var info = await store.DescribeAsync(Bucket, Ct);
        Assert.Equal(5, info!.LastSeq);
        Assert.Equal(AckStatus.Gap, (await store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 7, 7, TestStore.Start), Ct)).Status);
        Assert.Equal(AckStatus.Stored, (await store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 6, 6, TestStore.Start), Ct)).Status);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_corrupted_byte_mid_file_fails_reads_naming_the_file_and_line(bool restart)
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 5, TestStore.Start), Ct);
        var path = _t.OpenSegmentPath(Bucket);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        var third = Lines.IndexOfLine(bytes, 3);
        bytes[third + 10] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, Ct);
        var store = restart ? _t.Reopen() : _t.Store;

        var error = await Assert.ThrowsAsync<BackupCorruptException>(() => store.ReadStateAsync(Bucket, null, null, Ct));

        Assert.Contains(Path.GetFileName(path), error.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(Path.GetFileName(path), error.FileName);
        Assert.Equal(3, error.Line);

        // Never cut silently: the damaged line and everything after it are still there.
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path, Ct));
        await Assert.ThrowsAsync<BackupCorruptException>(() => store.ReadStateAsync(Bucket, 2, null, Ct));
    }

    [Fact]
    public async Task A_corrupted_last_line_of_a_sealed_segment_is_damage_not_a_torn_tail()
    {
        using var t = new TestStore(segmentMaxBytes: 1);
        var epoch = (await t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 2, TestStore.Start), Ct);
        await t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 3, 3, TestStore.Start), Ct);
        var path = Path.Combine(t.BucketDirectory(Bucket), t.BucketFiles(Bucket).First(f => f.StartsWith("changes-000000000001-000000000002-", StringComparison.Ordinal)));
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^5] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, Ct);

        var error = await Assert.ThrowsAsync<BackupCorruptException>(() => t.Reopen().ReadStateAsync(Bucket, null, null, Ct));

        Assert.Contains($"{Path.GetFileName(path)} line 2", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path, Ct));
    }

    [Fact]
    public async Task A_missing_file_fails_reads_naming_it()
    {
        using var t = new TestStore(segmentMaxBytes: 1);
        var epoch = (await t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 1, TestStore.Start), Ct);
        await t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 2, 2, TestStore.Start), Ct);
        var first = t.BucketFiles(Bucket).First(f => f.StartsWith("changes-000000000001-", StringComparison.Ordinal));
        File.Delete(Path.Combine(t.BucketDirectory(Bucket), first));

        var error = await Assert.ThrowsAsync<BackupCorruptException>(() => t.Reopen().ReadStateAsync(Bucket, null, null, Ct));

        Assert.Contains(first, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_without_a_manifest_is_an_unknown_bucket_and_its_leftovers_go_when_it_is_created()
    {
        Directory.CreateDirectory(_t.BucketDirectory(Bucket));
        await File.WriteAllBytesAsync(Path.Combine(_t.BucketDirectory(Bucket), "manifest.json.tmp"), [1, 2, 3], Ct);

        Assert.Null(await _t.Store.ReadStateAsync(Bucket, null, null, Ct));
        var grant = await _t.Store.OpenEpochAsync(Bucket, Ct);

        Assert.Equal(1, grant.Epoch);
        Assert.Equal(["manifest.json"], _t.BucketFiles(Bucket));
    }

    [Fact]
    public async Task AnOpenSegmentWhoseWritesNeverReachedTheDiskIsRefilledFromTheWriteAheadLog()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct);

        // The crash: the segment was created and listed, the writes after the log's fsync never reached it.
        await File.WriteAllBytesAsync(_t.OpenSegmentPath(Bucket), [], Ct);
        var store = _t.Reopen();

        Assert.Equal(3, (await store.ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);
        Assert.Equal(Lines.Range(Bucket, 1, 3, TestStore.Start), await File.ReadAllBytesAsync(_t.OpenSegmentPath(Bucket), Ct));
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(_t.Directory, "wal"), "*", SearchOption.AllDirectories), f => new FileInfo(f).Length > 0);
        Assert.Equal(new AppendResult(AckStatus.Stored, 3), await store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct));
        Assert.True(BackupVerifier.VerifyDirectory(_t.Directory).IsHealthy);
    }
}
