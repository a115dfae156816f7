using System.Text;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Storage;
using Buckets.Englang;

namespace Buckets.Backup.Tests;

public sealed class EraseTests : IDisposable
{
    private const string Bucket = "gdpr";
    private const string SecretValue = "SECRET-VALUE-4711";
    private const string SecretKey = "private-key-name";
    private readonly TestStore _t = new(segmentMaxBytes: 300, compactionThresholdBytes: 500);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task EraseRemovesEveryDataFileFencesTheOldEpochAndKeepsTheSequence()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        for (var seq = 1; seq <= 12; seq++)
        {
            await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(Lines.Set(Bucket, seq, $"{SecretKey}{seq}", $"{SecretValue}{seq}", TestStore.Start)), Ct);
        }

        Assert.True(await _t.Store.CompactIfNeededAsync(Bucket, Ct));
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(Lines.Set(Bucket, 13, SecretKey, SecretValue, TestStore.Start)), Ct);
        await File.WriteAllTextAsync(Path.Combine(_t.BucketDirectory(Bucket), "snapshot-000000000099-20260301T120000Z.englang.tmp"), SecretValue, Ct);
        Assert.Contains((await _t.Store.DescribeAsync(Bucket, Ct))!.Files, f => f.Retired);
        var erasedAt = TestStore.Start.AddHours(1);

        await _t.Store.EraseAsync(Bucket, erasedAt, Ct);

        Assert.Equal(["manifest.json"], _t.BucketFiles(Bucket));
        AssertNoFileContains(_t.Directory, SecretValue);
        AssertNoFileContains(_t.Directory, SecretKey);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_t.Directory, "audit", "pending")));

        var snapshot = await _t.Store.ReadStateAsync(Bucket, null, null, Ct);
        Assert.NotNull(snapshot);
        Assert.Equal((13L, 0L), (snapshot.Seq, snapshot.EntryCount));
        Assert.Equal(0, (await _t.Store.ReadStateAsync(Bucket, null, TestStore.Start, Ct))!.EntryCount);
        var info = await _t.Store.DescribeAsync(Bucket, Ct);
        Assert.Equal((true, 13L, epoch + 1, 0L), (info!.Erased, info.LastSeq, info.Epoch, info.Bytes));

        // The audit line says that, when and up to which change; nothing else.
        var audit = await File.ReadAllTextAsync(_t.Store.ErasureAuditPath, Ct);
        Assert.True(EnglangParser.TryParse(audit, out var record, out _));
        Assert.Equal(new EraseRecord(erasedAt, Bucket, 13), record);

        // The erasing activation's epoch is fenced off; a new activation numbers on above the erase.
        Assert.Equal(AckStatus.StaleEpoch, (await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 14, 14, TestStore.Start), Ct)).Status);
        var grant = await _t.Store.OpenEpochAsync(Bucket, Ct);
        Assert.Equal((epoch + 2, 13L), (grant.Epoch, grant.LastSeq));
        Assert.Equal(AckStatus.Gap, (await _t.Store.AppendChangesAsync(Bucket, grant.Epoch, Lines.Range(Bucket, 15, 15, TestStore.Start), Ct)).Status);
        Assert.Equal(new AppendResult(AckStatus.Stored, 14), await _t.Store.AppendChangesAsync(Bucket, grant.Epoch, Lines.Range(Bucket, 14, 14, TestStore.Start), Ct));
        Assert.Equal(["key14=value14"], State.Entries(await _t.Reopen().ReadStateAsync(Bucket, null, null, Ct)));
        Assert.False((await _t.Store.DescribeAsync(Bucket, Ct))!.Erased);
        Assert.True(BackupVerifier.VerifyDirectory(_t.Directory).IsHealthy);
    }

    [Fact]
    public async Task ErasingABucketNeverSeenOnlyWritesTheAuditLine()
    {
        await _t.Store.EraseAsync("ghost", TestStore.Start, Ct);
        await _t.Store.EraseAsync("ghost2", TestStore.Start, Ct);

        Assert.Empty(_t.Store.ListBuckets(null, 10).Ids);
        Assert.Null(await _t.Store.ReadStateAsync("ghost", null, null, Ct));
        var lines = await File.ReadAllLinesAsync(_t.Store.ErasureAuditPath, Ct);
        Assert.Equal(2, lines.Length);
    }

    [Fact]
    public async Task ACrashAfterTheEraseManifestDeletesTheRemainingFilesOnReopen()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(Lines.Set(Bucket, 1, SecretKey, SecretValue, TestStore.Start)), Ct);
        var segment = _t.OpenSegmentPath(Bucket);
        var content = await File.ReadAllBytesAsync(segment, Ct);
        await _t.Store.EraseAsync(Bucket, TestStore.Start, Ct);

        // The crash: the erase manifest is durable but a file was not deleted yet.
        await File.WriteAllBytesAsync(segment, content, Ct);
        var store = _t.Reopen();

        Assert.Equal(0, (await store.ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);
        Assert.Equal(["manifest.json"], _t.BucketFiles(Bucket));
        AssertNoFileContains(_t.Directory, SecretValue);
    }

    [Fact]
    public async Task AnErasureACrashInterruptedIsFinishedWhenTheStoreStarts()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(Lines.Set(Bucket, 1, SecretKey, SecretValue, TestStore.Start)), Ct);
        var erasedAt = TestStore.Start.AddMinutes(1);

        // The crash: only the intent marker was written.
        var pending = Path.Combine(_t.Directory, "audit", "pending");
        Directory.CreateDirectory(pending);
        await File.WriteAllTextAsync(Path.Combine(pending, $"{Bucket}.englang"), EnglangWriter.Format(new EraseRecord(erasedAt, Bucket, 1)), Ct);
        Assert.Contains(BackupVerifier.VerifyDirectory(_t.Directory).Warnings, w => w.File == $"audit/pending/{Bucket}.englang");

        var store = _t.Reopen();

        AssertNoFileContains(_t.Directory, SecretValue);
        Assert.Empty(Directory.EnumerateFiles(pending));
        var audit = Assert.Single(await File.ReadAllLinesAsync(store.ErasureAuditPath, Ct));
        Assert.True(EnglangParser.TryParse(audit, out var record, out _));
        Assert.Equal(new EraseRecord(erasedAt, Bucket, 1), record);
        Assert.Equal((1L, 0L), ((await store.ReadStateAsync(Bucket, null, null, Ct))!.Seq, (await store.ReadStateAsync(Bucket, null, null, Ct))!.EntryCount));
        Assert.Equal(AckStatus.StaleEpoch, (await store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 2, 2, TestStore.Start), Ct)).Status);
        var grant = await store.OpenEpochAsync(Bucket, Ct);
        Assert.Equal(new AppendResult(AckStatus.Stored, 2), await store.AppendChangesAsync(Bucket, grant.Epoch, Lines.Range(Bucket, 2, 2, TestStore.Start), Ct));
    }

    private static void AssertNoFileContains(string directory, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            Assert.True(File.ReadAllBytes(file).AsSpan().IndexOf(needle) < 0, $"{file} still holds erased data");
        }
    }
}
