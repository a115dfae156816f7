using System.Text.RegularExpressions;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Storage;

namespace Buckets.Backup.Tests;

public sealed partial class CompactionTests : IDisposable
{
    private const string Bucket = "compact";
    private readonly TestStore _t = new(segmentMaxBytes: 400, compactionThresholdBytes: 1000, retention: TimeSpan.FromDays(1));
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task Below_the_threshold_nothing_happens()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 2, TestStore.Start), Ct);
        var before = _t.BucketFiles(Bucket);

        Assert.False(await _t.Store.CompactIfNeededAsync(Bucket, Ct));
        Assert.False(await _t.Store.CompactIfNeededAsync("never-seen", Ct));

        Assert.Equal(before, _t.BucketFiles(Bucket));
    }

    [Fact]
    public async Task Compaction_writes_a_snapshot_keeps_reads_identical_and_retires_the_old_files()
    {
        var epoch = await Fill(40);
        var before = await ReadAll(_t.Store);
        _t.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.True(await _t.Store.CompactIfNeededAsync(Bucket, Ct));

        var info = await _t.Store.DescribeAsync(Bucket, Ct);
        var live = Assert.Single(info!.Files, f => !f.Retired);
        Assert.Equal(("snapshot", 42L, 42L), (live.Kind, live.FromSeq, live.ToSeq));
        Assert.Matches(SnapshotName(), live.Name);
        Assert.All(info.Files.Where(f => f.Retired), f => Assert.Matches(SealedName(), f.Name));
        Assert.Equal(1L, info.Files.Where(f => f.Retired).Min(f => f.FromSeq));
        Assert.Equal(42L, info.Files.Where(f => f.Retired).Max(f => f.ToSeq));
        Assert.Equal(before, await ReadAll(_t.Store));
        Assert.Equal(before, await ReadAll(_t.Reopen()));

        // Changes continue after the snapshot.
        Assert.Equal(new AppendResult(AckStatus.Stored, 43), await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 43, 43, TestStore.Start), Ct));
        Assert.Equal(41, (await _t.Store.ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);
        Assert.True(BackupVerifier.VerifyDirectory(_t.Directory).IsHealthy);
    }

    [Fact]
    public async Task The_compaction_snapshot_drops_expired_entries()
    {
        var epoch = await Fill(40);
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(
            Lines.Set(Bucket, 43, "short", "x", TestStore.Start, TestStore.Start.AddMinutes(1)),
            Lines.Set(Bucket, 44, "long", "y", TestStore.Start, TestStore.Start.AddDays(30))), Ct);
        _t.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.True(await _t.Store.CompactIfNeededAsync(Bucket, Ct));

        var info = await _t.Store.DescribeAsync(Bucket, Ct);
        var snapshot = Path.Combine(_t.BucketDirectory(Bucket), Assert.Single(info!.Files, f => !f.Retired).Name);
        var text = await File.ReadAllTextAsync(snapshot, Ct);
        Assert.DoesNotContain("\"short\"", text, StringComparison.Ordinal);
        Assert.Contains("\"long\"", text, StringComparison.Ordinal);
        Assert.Contains("41 entries", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retired_files_are_deleted_after_retention_but_never_the_live_snapshot()
    {
        var epoch = await Fill(40);
        Assert.True(await _t.Store.CompactIfNeededAsync(Bucket, Ct));
        var retired = (await _t.Store.DescribeAsync(Bucket, Ct))!.Files.Where(f => f.Retired).Select(f => f.Name).ToList();

        _t.Time.Advance(TimeSpan.FromHours(23));
        Assert.False(await _t.Store.CompactIfNeededAsync(Bucket, Ct));
        Assert.All(retired, name => Assert.True(File.Exists(Path.Combine(_t.BucketDirectory(Bucket), name))));
        Assert.Equal(["key1=value1"], State.Entries(await _t.Store.ReadStateAsync(Bucket, 1, null, Ct)));

        _t.Time.Advance(TimeSpan.FromHours(2));
        Assert.False(await _t.Store.CompactIfNeededAsync(Bucket, Ct));
        Assert.All(retired, name => Assert.False(File.Exists(Path.Combine(_t.BucketDirectory(Bucket), name))));
        var info = await _t.Store.DescribeAsync(Bucket, Ct);
        Assert.DoesNotContain(info!.Files, f => f.Retired);
        Assert.Equal(40, (await _t.Store.ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);
        Assert.Equal(40, (await _t.Store.ReadStateAsync(Bucket, 42, null, Ct))!.EntryCount);
        await Assert.ThrowsAsync<BackupHistoryUnavailableException>(() => _t.Store.ReadStateAsync(Bucket, 5, null, Ct));

        // Only the live generation is left, and a second compaction later still keeps a readable base.
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 43, 80, TestStore.Start), Ct);
        _t.Time.Advance(TimeSpan.FromDays(3));
        Assert.True(await _t.Store.CompactIfNeededAsync(Bucket, Ct));
        Assert.Equal(78, (await _t.Reopen().ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);
    }

    [Fact]
    public async Task A_crash_after_writing_the_snapshot_but_before_switching_the_manifest_keeps_the_old_set()
    {
        await Fill(40);
        var before = await ReadAll(_t.Store);
        var copy = CopyOf(_t.BucketDirectory(Bucket));
        _t.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await _t.Store.CompactIfNeededAsync(Bucket, Ct));
        var newSnapshot = _t.BucketFiles(Bucket).Single(f => f.StartsWith("snapshot-", StringComparison.Ordinal));

        // The crash: the new snapshot (and temporary files) are on disk, the manifest is the old one.
        File.Copy(Path.Combine(_t.BucketDirectory(Bucket), newSnapshot), Path.Combine(copy, newSnapshot));
        File.Copy(Path.Combine(copy, newSnapshot), Path.Combine(copy, newSnapshot + ".tmp"));
        await File.WriteAllTextAsync(Path.Combine(copy, "manifest.json.tmp"), "{ half", Ct);
        ReplaceFiles(_t.BucketDirectory(Bucket), copy);
        var store = _t.Reopen();

        Assert.Equal(before, await ReadAll(store));
        Assert.DoesNotContain(_t.BucketFiles(Bucket), f => f.StartsWith("snapshot-", StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.Contains(_t.Logger.Entries, e => e.Id.Id == 3003);
        Assert.True(BackupVerifier.VerifyDirectory(_t.Directory).IsHealthy);

        // And it compacts again cleanly.
        Assert.True(await store.CompactIfNeededAsync(Bucket, Ct));
        Assert.Equal(before, await ReadAll(store));
    }

    [Fact]
    public async Task A_crash_after_switching_the_manifest_but_before_renaming_the_open_segment_is_finished_on_reopen()
    {
        var epoch = await Fill(40);
        if (!_t.BucketFiles(Bucket).Any(f => f.Contains("-open-", StringComparison.Ordinal)))
        {
            await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 43, 43, TestStore.Start), Ct);
        }

        var before = await ReadAll(_t.Store);
        var open = Path.GetFileName(_t.OpenSegmentPath(Bucket));
        _t.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(await _t.Store.CompactIfNeededAsync(Bucket, Ct));

        // The crash: the manifest is new but the open segment still has its open name.
        var sealedName = _t.BucketFiles(Bucket).Single(f => f.StartsWith(open[..20], StringComparison.Ordinal));
        File.Move(Path.Combine(_t.BucketDirectory(Bucket), sealedName), Path.Combine(_t.BucketDirectory(Bucket), open));
        var report = BackupVerifier.VerifyDirectory(_t.Directory);
        Assert.True(report.IsHealthy);
        Assert.Contains(report.Warnings, w => w.File.EndsWith(open, StringComparison.Ordinal));
        var store = _t.Reopen();

        Assert.Equal(before, await ReadAll(store));
        Assert.Contains(sealedName, _t.BucketFiles(Bucket));
        Assert.DoesNotContain(open, _t.BucketFiles(Bucket));
        report = BackupVerifier.VerifyDirectory(_t.Directory);
        Assert.True(report.IsHealthy);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public async Task Changes_appended_while_a_compaction_writes_its_snapshot_are_stored_at_once_and_kept_after_it()
    {
        var epoch = await Fill(40);
        var before = await ReadAll(_t.Store);
        _t.Time.Advance(TimeSpan.FromMinutes(1));
        AppendResult? during = null;

        // The compaction's snapshot is being made durable: the bucket must take appends meanwhile (it
        // did not, before: a large bucket's writers and change feed waited the whole compaction).
        using (DurableFiles.WatchSyncs(_t.BucketDirectory(Bucket), path =>
        {
            if (during is null && Path.GetFileName(path).StartsWith("snapshot-", StringComparison.Ordinal))
            {
                during = _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 43, 45, TestStore.Start), Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct).GetAwaiter().GetResult();
            }
        }))
        {
            Assert.True(await _t.Store.CompactIfNeededAsync(Bucket, Ct));
        }

        Assert.Equal(new AppendResult(AckStatus.Stored, 45), during);
        var live = (await _t.Store.DescribeAsync(Bucket, Ct))!.Files.Where(f => !f.Retired).OrderBy(f => f.FromSeq).Select(f => (f.Kind, f.FromSeq, f.ToSeq)).ToList();
        Assert.Equal([("snapshot", 42L, 42L), ("changes", 43L, 45L)], live);
        // Every point of the history reads as before; the end now includes the changes appended meanwhile.
        Assert.Equal(before.SkipLast(1), (await ReadAll(_t.Store)).SkipLast(1));
        var reopened = _t.Reopen();
        Assert.Equal(before.SkipLast(1), (await ReadAll(reopened)).SkipLast(1));
        var end = await reopened.ReadStateAsync(Bucket, null, null, Ct);
        Assert.Equal((45L, 43), (end!.Seq, end.EntryCount));
        Assert.True(BackupVerifier.VerifyDirectory(_t.Directory).IsHealthy);
    }

    [Fact]
    public async Task A_snapshot_stored_while_a_compaction_runs_wins_and_the_compaction_leaves_nothing_behind()
    {
        var epoch = await Fill(40);
        _t.Time.Advance(TimeSpan.FromMinutes(1));
        AppendResult? during = null;
        using (DurableFiles.WatchSyncs(_t.BucketDirectory(Bucket), path =>
        {
            if (during is null && Path.GetFileName(path).StartsWith("snapshot-000000000042", StringComparison.Ordinal))
            {
                during = _t.Store.AppendSnapshotAsync(Bucket, epoch, AppendTests.SnapshotOf(Bucket, 50, TestStore.Start.AddMinutes(2), ("only", "one")), Ct).WaitAsync(TimeSpan.FromSeconds(10), Ct).GetAwaiter().GetResult();
            }
        }))
        {
            Assert.False(await _t.Store.CompactIfNeededAsync(Bucket, Ct));
        }

        Assert.Equal(new AppendResult(AckStatus.Stored, 50), during);
        Assert.DoesNotContain(_t.BucketFiles(Bucket), f => f.StartsWith("snapshot-000000000042", StringComparison.Ordinal));
        Assert.Equal(["only=one"], State.Entries(await _t.Reopen().ReadStateAsync(Bucket, null, null, Ct)));
        Assert.True(BackupVerifier.VerifyDirectory(_t.Directory).IsHealthy);
    }

    /// <summary>Appends changes 1..count in small batches (sealing several segments); returns the epoch.</summary>
    private async Task<long> Fill(int count)
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        for (var from = 1; from <= count; from += 3)
        {
            var result = await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, from, Math.Min(from + 2, count), TestStore.Start), Ct);
            Assert.Equal(AckStatus.Stored, result.Status);
        }

        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(Lines.Delete(Bucket, count + 1, "key2", TestStore.Start.AddSeconds(count + 1))), Ct);
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(Lines.Set(Bucket, count + 2, "key2", "again", TestStore.Start.AddSeconds(count + 2))), Ct);
        return epoch;
    }

    private static async Task<List<string>> ReadAll(FileBackupStore store)
    {
        var results = new List<string>();
        for (long seq = 0; seq <= 42; seq += 7)
        {
            results.Add(string.Join(",", State.Entries(await store.ReadStateAsync(Bucket, seq, null, Ct))));
        }

        results.Add(string.Join(",", State.Entries(await store.ReadStateAsync(Bucket, null, TestStore.Start.AddSeconds(20), Ct))));
        var end = await store.ReadStateAsync(Bucket, null, null, Ct);
        results.Add($"{end!.Seq}:{string.Join(",", State.Entries(end))}");
        return results;
    }

    private static string CopyOf(string directory)
    {
        var copy = Path.Combine(Path.GetDirectoryName(directory)!, "..", "copy");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    private static void ReplaceFiles(string directory, string copy)
    {
        foreach (var file in Directory.EnumerateFiles(directory))
        {
            File.Delete(file);
        }

        foreach (var file in Directory.EnumerateFiles(copy))
        {
            File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
        }
    }

    [GeneratedRegex(@"^snapshot-\d{12}-\d{8}T\d{6}Z\.englang$")]
    private static partial Regex SnapshotName();

    [GeneratedRegex(@"^changes-\d{12}-\d{12}-\d{8}T\d{6}Z\.englang$")]
    private static partial Regex SealedName();
}
