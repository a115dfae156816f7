using System.Text;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Maintenance;
using Buckets.Backup.Status;
using Buckets.Backup.Storage;
using Buckets.Englang;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buckets.Backup.Tests;

/// <summary>Regression tests for the store defects where acknowledged data could be lost or erased data come back.</summary>
public sealed class StoreDefectTests : IDisposable
{
    private const string Bucket = "defects";
    private readonly TestStore _t = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task AChangeBatchCollectedBeforeAnEraseIsRefusedAfterIt()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct);

        // Collected by the grain before the erase, delivered after it.
        var inFlight = Lines.Range(Bucket, 4, 5, TestStore.Start);
        await _t.Store.EraseAsync(Bucket, TestStore.Start.AddMinutes(1), Ct);

        var result = await _t.Store.AppendChangesAsync(Bucket, epoch, inFlight, Ct);

        Assert.Equal(AckStatus.StaleEpoch, result.Status);
        Assert.Empty(State.Entries(await _t.Store.ReadStateAsync(Bucket, null, null, Ct)));
        var grant = await _t.Store.OpenEpochAsync(Bucket, Ct);
        Assert.True(grant.Epoch > epoch + 1, "the erase itself must take an epoch");
        Assert.Empty(State.Entries(new StateSnapshot(grant.LastSeq, 0, grant.Snapshot)));
    }

    [Fact]
    public async Task ASnapshotCollectedBeforeAnEraseIsRefusedAfterIt()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct);
        var snapshot = SnapshotAt(9, ("cart", "3 apples"));
        await _t.Store.EraseAsync(Bucket, TestStore.Start.AddMinutes(1), Ct);

        var result = await _t.Store.AppendSnapshotAsync(Bucket, epoch, snapshot, Ct);

        Assert.Equal(AckStatus.StaleEpoch, result.Status);
        Assert.Empty(State.Entries(await _t.Reopen().ReadStateAsync(Bucket, null, null, Ct)));
    }

    [Fact]
    public async Task ADifferentLineUnderAStoredSequenceIsAConflictAndAnIdenticalOneIsStored()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct);
        var other = Lines.Of(Lines.Set(Bucket, 2, "cart", "not what was stored", TestStore.Start));

        var conflict = await _t.Store.AppendChangesAsync(Bucket, epoch, other, Ct);
        var resent = await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 2, 4, TestStore.Start), Ct);

        Assert.Equal((AckStatus.Conflict, 3L), (conflict.Status, conflict.LastSeq));
        Assert.Equal(new AppendResult(AckStatus.Stored, 4), resent);
        Assert.Equal(["key1=value1", "key2=value2", "key3=value3", "key4=value4"], State.Entries(await _t.Reopen().ReadStateAsync(Bucket, null, null, Ct)));
    }

    [Fact]
    public async Task ASnapshotAtAStoredSequenceWithOtherContentIsAConflict()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct);

        var lower = await _t.Store.AppendSnapshotAsync(Bucket, epoch, SnapshotAt(2, ("other", "state")), Ct);
        var same = await _t.Store.AppendSnapshotAsync(Bucket, epoch, SnapshotAt(3, ("other", "state")), Ct);

        Assert.Equal(AckStatus.Conflict, lower.Status);
        Assert.Equal(AckStatus.Conflict, same.Status);
        Assert.Equal(["key1=value1", "key2=value2", "key3=value3"], State.Entries(await _t.Store.ReadStateAsync(Bucket, null, null, Ct)));
    }

    [Fact]
    public async Task ADamagedLastLineWithItsLineFeedFailsTheBucketClosedInsteadOfBeingCut()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct);
        var path = _t.OpenSegmentPath(Bucket);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[^8] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, Ct);
        var store = _t.Reopen();

        await AssertFailsClosedAsync(store, _t.Directory, epoch, Lines.Range(Bucket, 3, 4, TestStore.Start));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(path, Ct));
    }

    [Fact]
    public async Task AMissingOpenSegmentFailsTheBucketClosedInsteadOfBeingRecreated()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct);
        var path = _t.OpenSegmentPath(Bucket);
        File.Delete(path);
        var store = _t.Reopen();

        await AssertFailsClosedAsync(store, _t.Directory, epoch, Lines.Range(Bucket, 1, 1, TestStore.Start));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task AManifestAheadOfItsFilesFailsTheBucketClosedAndKeepsTheEvidence()
    {
        using var t = new TestStore(segmentMaxBytes: 1);
        var epoch = (await t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 2, TestStore.Start), Ct);
        await t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 3, 3, TestStore.Start), Ct);
        var manifestPath = Path.Combine(t.BucketDirectory(Bucket), "manifest.json");
        var manifest = await File.ReadAllTextAsync(manifestPath, Ct);
        Assert.Contains("\"lastSeq\": 3", manifest, StringComparison.Ordinal);

        // The sealed segment holding change 3 loses its last line: acknowledged data is gone.
        var sealedName = t.BucketFiles(Bucket).Single(f => f.StartsWith("changes-000000000003-000000000003-", StringComparison.Ordinal));
        var sealedPath = Path.Combine(t.BucketDirectory(Bucket), sealedName);
        await File.WriteAllBytesAsync(sealedPath, [], Ct);
        var store = t.Reopen();

        await AssertFailsClosedAsync(store, t.Directory, epoch, Lines.Range(Bucket, 3, 3, TestStore.Start));
        Assert.Equal(manifest, await File.ReadAllTextAsync(manifestPath, Ct));
    }

    [Fact]
    public async Task AnOperatorRepairKeepsTheReadablePrefixAndNumbersAboveEverythingAcknowledged()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 5, TestStore.Start), Ct);
        var path = _t.OpenSegmentPath(Bucket);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        var fourth = Lines.IndexOfLine(bytes, 4);
        bytes[fourth + 12] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes, Ct);
        var store = _t.Reopen();
        await Assert.ThrowsAsync<BackupCorruptException>(() => store.OpenEpochAsync(Bucket, Ct));

        var repair = await store.RepairAsync(Bucket, Ct);

        // Changes 4 and 5 are lost (and said so); 1 to 3 are kept; the bucket serves again above change 5.
        Assert.Equal(new BucketRepair(Bucket, true, 3, 6, 2), repair);
        var grant = await store.OpenEpochAsync(Bucket, Ct);
        Assert.True(grant.Epoch > epoch + 1);
        Assert.Equal(6, grant.LastSeq);
        Assert.Equal(["key1=value1", "key2=value2", "key3=value3"], State.Entries(new StateSnapshot(grant.LastSeq, 3, grant.Snapshot)));
        Assert.Equal(AckStatus.StaleEpoch, (await store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 7, 7, TestStore.Start), Ct)).Status);
        Assert.Equal(new AppendResult(AckStatus.Stored, 7), await store.AppendChangesAsync(Bucket, grant.Epoch, Lines.Range(Bucket, 7, 7, TestStore.Start), Ct));
        Assert.Equal(4, (await _t.Reopen().ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);

        // The damaged file is retired, not deleted; a healthy bucket is left alone.
        Assert.True(File.Exists(path));
        Assert.False((await _t.Store.RepairAsync(Bucket, Ct))!.Repaired);
    }

    [Fact]
    public async Task AnOperatorRepairOfAMissingOpenSegmentKeepsTheBase()
    {
        using var t = new TestStore(compactionThresholdBytes: 200);
        var epoch = (await t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 4, TestStore.Start), Ct);
        Assert.True(await t.Store.CompactIfNeededAsync(Bucket, Ct));
        await t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 5, 6, TestStore.Start), Ct);
        File.Delete(t.OpenSegmentPath(Bucket));
        var store = t.Reopen();

        var repair = await store.RepairAsync(Bucket, Ct);

        // The changes of the missing file cannot be counted; the bucket keeps what the base holds.
        Assert.NotNull(repair);
        Assert.Equal(4L, repair.KeptThroughSeq);
        Assert.True(repair.NewSeq > 4);
        Assert.Equal(4, (await store.ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);
        // Only the log recovery kept aside (it holds changes 5 and 6, for the operator) is still reported.
        var report = BackupVerifier.VerifyDirectory(t.Directory);
        Assert.Equal(["wal/kept-"], report.Problems.Select(p => p.File[..9]).Distinct());
    }

    [Fact]
    public async Task RecoveryMakesTheOpenSegmentDurableBeforeAResentBatchIsAcknowledged()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 2, TestStore.Start), Ct);
        var path = _t.OpenSegmentPath(Bucket);

        // The crash: change 3 reached the file but its fsync never ran.
        await File.AppendAllTextAsync(path, Encoding.UTF8.GetString(Lines.Range(Bucket, 3, 3, TestStore.Start)), Ct);
        var synced = new List<string>();
        using var watch = DurableFiles.WatchSyncs(_t.Directory, synced.Add);
        var store = _t.Reopen();

        var resent = await store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 3, 3, TestStore.Start), Ct);

        Assert.Equal(new AppendResult(AckStatus.Stored, 3), resent);
        Assert.Contains(path, synced);
    }

    [Fact]
    public async Task RetentionPrunesIdleBucketsAlsoAfterARestart()
    {
        using var t = new TestStore(compactionThresholdBytes: 500, retention: TimeSpan.FromHours(1));
        var epoch = (await t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 20, TestStore.Start), Ct);
        Assert.True(await t.Store.CompactIfNeededAsync(Bucket, Ct));
        var retired = (await t.Store.DescribeAsync(Bucket, Ct))!.Files.Where(f => f.Retired).Select(f => f.Name).ToList();
        Assert.NotEmpty(retired);

        // A restart: the maintenance service starts with no memory of which buckets changed.
        var store = t.Reopen();
        var health = new BackupHealth(t.Time, Microsoft.Extensions.Options.Options.Create(new StatusOptions()), t.Directory);
        var options = Microsoft.Extensions.Options.Options.Create(new MaintenanceOptions { CompactionInterval = TimeSpan.FromMinutes(1) });
        using var service = new CompactionService(store, health, options, t.Time, NullLogger<CompactionService>.Instance);
        await service.StartAsync(Ct);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (retired.Any(name => File.Exists(Path.Combine(t.BucketDirectory(Bucket), name))) && DateTime.UtcNow < deadline)
            {
                t.Time.Advance(TimeSpan.FromMinutes(2));
                await Task.Delay(20, Ct);
            }
        }
        finally
        {
            await service.StopAsync(Ct);
        }

        Assert.All(retired, name => Assert.False(File.Exists(Path.Combine(t.BucketDirectory(Bucket), name)), $"{name} outlived the retention"));
        Assert.Equal(20, (await store.ReadStateAsync(Bucket, null, null, Ct))!.EntryCount);
    }

    /// <summary>The bucket answers neither an epoch nor an append, and <c>buckets verify</c> reports the damage.</summary>
    private static async Task AssertFailsClosedAsync(FileBackupStore store, string directory, long epoch, byte[] resend)
    {
        await Assert.ThrowsAsync<BackupCorruptException>(() => store.OpenEpochAsync(Bucket, Ct));
        await Assert.ThrowsAsync<BackupCorruptException>(() => store.AppendChangesAsync(Bucket, epoch, resend, Ct));
        Assert.False(BackupVerifier.VerifyDirectory(directory).IsHealthy);
    }

    private static byte[] SnapshotAt(long seq, params (string Key, string Value)[] entries)
    {
        using var stream = new MemoryStream();
        SnapshotWriter.Write(
            stream,
            Bucket,
            TestStore.Start,
            seq,
            EnglangDurability.Standard,
            null,
            entries.Select(e => (e.Key, Encoding.UTF8.GetBytes(e.Value), (DateTimeOffset?)null, seq)));
        return stream.ToArray();
    }
}
