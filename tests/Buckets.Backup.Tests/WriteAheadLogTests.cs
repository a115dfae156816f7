using System.Text;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Storage;

namespace Buckets.Backup.Tests;

/// <summary>The shared write-ahead log: group commit, checkpoints, and recovery at each step a crash can hit.</summary>
public sealed class WriteAheadLogTests : IDisposable
{
    private readonly TestStore _t = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string WalDirectory => Path.Combine(_t.Directory, "wal");

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task ConcurrentAppendsToManyBucketsShareFsyncs()
    {
        const int Buckets = 200;
        var epochs = new long[Buckets];
        for (var i = 0; i < Buckets; i++)
        {
            epochs[i] = (await _t.Store.OpenEpochAsync($"b{i}", Ct)).Epoch;
            await _t.Store.AppendChangesAsync($"b{i}", epochs[i], Lines.Range($"b{i}", 1, 1, TestStore.Start), Ct);
        }

        var synced = new List<string>();
        using (DurableFiles.WatchSyncs(_t.Directory, path => { lock (synced) { synced.Add(path); } }))
        {
            var results = await Task.WhenAll(Enumerable.Range(0, Buckets).Select(i =>
                _t.Store.AppendChangesAsync($"b{i}", epochs[i], Lines.Range($"b{i}", 2, 3, TestStore.Start), Ct)));
            Assert.All(results, r => Assert.Equal(new AppendResult(AckStatus.Stored, 3), r));
        }

        // Every append was durable when acknowledged, yet far fewer fsyncs than appends ran, and no bucket file was fsynced on the way.
        var walSyncs = synced.Count(path => path.StartsWith(WalDirectory, StringComparison.Ordinal));
        Assert.InRange(walSyncs, 1, Buckets / 4);
        Assert.DoesNotContain(synced, path => path.StartsWith(Path.Combine(_t.Directory, "buckets"), StringComparison.Ordinal));
        Assert.All(Enumerable.Range(0, Buckets), i => Assert.Equal(3, _t.Reopen().DescribeAsync($"b{i}", Ct).Result!.LastSeq));
    }

    [Fact]
    public async Task AppendsToMoreBucketsThanTheHandleCacheHoldsAllLandInTheirFiles()
    {
        using var t = new TestStore(openFileCacheSize: 2, segmentMaxBytes: 400);
        var epochs = new Dictionary<string, long>();
        foreach (var bucket in new[] { "h0", "h1", "h2", "h3", "h4" })
        {
            epochs[bucket] = (await t.Store.OpenEpochAsync(bucket, Ct)).Epoch;
        }

        // Rounds over all five buckets at once, so handles are evicted, reopened and (past 400 bytes) sealed.
        for (var seq = 1; seq <= 12; seq++)
        {
            var round = seq;
            await Task.WhenAll(epochs.Select(e => t.Store.AppendChangesAsync(e.Key, e.Value, Lines.Range(e.Key, round, round, TestStore.Start), Ct)));
        }

        // Read from the files themselves (a reopen would replay the log and hide a lost write).
        Assert.True(BackupVerifier.VerifyDirectory(t.Directory).IsHealthy);
        foreach (var bucket in epochs.Keys)
        {
            Assert.Equal(12, (await t.Store.ReadStateAsync(bucket, null, null, Ct))!.EntryCount);
        }
    }

    [Fact]
    public async Task StateOfIdleBucketsIsDroppedFromMemoryAndReloadedFromTheirFilesOnNextUse()
    {
        await _t.Store.OpenEpochAsync("idle", Ct);
        var epoch = (await _t.Store.OpenEpochAsync("idle", Ct)).Epoch;
        await _t.Store.AppendChangesAsync("idle", epoch, Lines.Range("idle", 1, 2, TestStore.Start), Ct);
        var busy = (await _t.Store.OpenEpochAsync("busy", Ct)).Epoch;
        _t.Time.Advance(_t.Options.StateIdleTimeout / 2);
        await _t.Store.AppendChangesAsync("busy", busy, Lines.Range("busy", 1, 1, TestStore.Start), Ct);
        _t.Time.Advance(_t.Options.StateIdleTimeout / 2);

        _t.Store.EvictIdleStates();

        Assert.Equal(1, _t.Store.CachedStates);

        // The dropped bucket comes back from its files: same epoch fencing, same last change, appends go on.
        Assert.Equal(AckStatus.StaleEpoch, (await _t.Store.AppendChangesAsync("idle", epoch - 1, Lines.Range("idle", 3, 3, TestStore.Start), Ct)).Status);
        Assert.Equal(new AppendResult(AckStatus.Stored, 3), await _t.Store.AppendChangesAsync("idle", epoch, Lines.Range("idle", 2, 3, TestStore.Start), Ct));
        Assert.Equal(new AppendResult(AckStatus.Stored, 2), await _t.Store.AppendChangesAsync("busy", busy, Lines.Range("busy", 2, 2, TestStore.Start), Ct));
        Assert.Equal(3, (await _t.Store.ReadStateAsync("idle", null, null, Ct))!.EntryCount);
    }

    [Fact]
    public async Task ACheckpointFsyncsTheBucketFilesBeforeDeletingTheLog()
    {
        var epoch = (await _t.Store.OpenEpochAsync("cp", Ct)).Epoch;
        await _t.Store.AppendChangesAsync("cp", epoch, Lines.Range("cp", 1, 3, TestStore.Start), Ct);
        var before = WalFiles();
        var segment = _t.OpenSegmentPath("cp");
        var order = new List<string>();

        using (DurableFiles.WatchSyncs(_t.Directory, path => { lock (order) { order.Add(path); } }))
        {
            await _t.Store.EraseAsync("other", TestStore.Start, Ct);
        }

        Assert.All(before, file => Assert.False(File.Exists(file), $"{file} outlived its checkpoint"));
        var segmentSync = order.IndexOf(segment);
        var walDirectorySync = order.LastIndexOf(WalDirectory);
        Assert.True(segmentSync >= 0 && segmentSync < walDirectorySync, "the bucket file must be durable before the log that covers it is deleted");
        Assert.Equal(3, (await _t.Reopen().ReadStateAsync("cp", null, null, Ct))!.EntryCount);
    }

    [Fact]
    public async Task LinesDurableInTheLogButMissingFromTheirBucketFileAreReplayed()
    {
        var epoch = (await _t.Store.OpenEpochAsync("replay", Ct)).Epoch;
        await _t.Store.AppendChangesAsync("replay", epoch, Lines.Range("replay", 1, 2, TestStore.Start), Ct);
        var segment = _t.OpenSegmentPath("replay");
        var durable = await File.ReadAllBytesAsync(segment, Ct);

        // The crash: changes 3 and 4 were fsynced in the log, the bucket file write never happened.
        await _t.Store.AppendChangesAsync("replay", epoch, Lines.Range("replay", 3, 4, TestStore.Start), Ct);
        var log = WalFiles().Select(File.ReadAllBytes).ToList();
        _t.Store.Dispose();
        await File.WriteAllBytesAsync(segment, durable, Ct);
        foreach (var (file, bytes) in WalFiles().Zip(log))
        {
            await File.WriteAllBytesAsync(file, bytes, Ct);
        }

        var store = _t.Reopen();

        Assert.Equal(["key1=value1", "key2=value2", "key3=value3", "key4=value4"], State.Entries(await store.ReadStateAsync("replay", null, null, Ct)));
        Assert.Equal(Lines.Range("replay", 1, 4, TestStore.Start), await File.ReadAllBytesAsync(segment, Ct));
        Assert.Equal(new AppendResult(AckStatus.Stored, 5), await store.AppendChangesAsync("replay", epoch, Lines.Range("replay", 4, 5, TestStore.Start), Ct));
    }

    [Fact]
    public async Task ATornLastGroupOfTheLogIsIgnoredAndEverythingBeforeItReplayed()
    {
        var epoch = (await _t.Store.OpenEpochAsync("torn", Ct)).Epoch;
        var segment = CreateBucketWithEmptySegment("torn", epoch);
        var complete = Lines.Range("torn", 1, 2, TestStore.Start);
        var torn = Lines.Range("torn", 3, 3, TestStore.Start)[..20];
        _t.Store.Dispose();
        await File.WriteAllBytesAsync(Path.Combine(WalDirectory, "wal-000000000042.englang"), [.. complete, .. torn], Ct);

        var store = _t.Reopen();

        Assert.Equal(2, (await store.ReadStateAsync("torn", null, null, Ct))!.Seq);
        Assert.Equal(complete, await File.ReadAllBytesAsync(segment, Ct));
        Assert.False(Directory.Exists(Path.Combine(WalDirectory, "kept")));
        Assert.Equal(new AppendResult(AckStatus.Stored, 3), await store.AppendChangesAsync("torn", epoch, Lines.Range("torn", 3, 3, TestStore.Start), Ct));
        Assert.Single(WalFiles(), f => f.EndsWith("wal-000000000043.englang", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ADamagedLineInTheLogKeepsTheLogAsideAndStillReplaysTheRest()
    {
        var epoch = (await _t.Store.OpenEpochAsync("hurt", Ct)).Epoch;
        CreateBucketWithEmptySegment("hurt", epoch);
        var bytes = Lines.Range("hurt", 1, 3, TestStore.Start);
        var secondLine = Array.IndexOf(bytes, (byte)'\n') + 1;
        bytes[secondLine + 10] ^= 0x01;
        _t.Store.Dispose();
        await File.WriteAllBytesAsync(Path.Combine(WalDirectory, "wal-000000000007.englang"), bytes, Ct);

        var store = _t.Reopen();

        // Change 2 is lost from the log, so change 3 cannot follow: the bucket keeps change 1 and the evidence is kept.
        Assert.Equal(1, (await store.ReadStateAsync("hurt", null, null, Ct))!.Seq);
        var kept = Assert.Single(Directory.EnumerateDirectories(WalDirectory, "kept-*"));
        Assert.Equal(bytes, await File.ReadAllBytesAsync(Path.Combine(kept, "wal-000000000007.englang"), Ct));
        Assert.Contains(_t.Logger.Entries, e => e.Id.Id == 3032);
        Assert.Contains(BackupVerifier.VerifyDirectory(_t.Directory).Problems, p => p.File.StartsWith("wal/kept-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnEraseACrashInterruptedBeforeItsCheckpointNeverBringsDataBackFromTheLog()
    {
        const string Secret = "ERASED-SECRET-1234";
        var epoch = (await _t.Store.OpenEpochAsync("gone", Ct)).Epoch;
        await _t.Store.AppendChangesAsync("gone", epoch, Lines.Of(Lines.Set("gone", 1, "k", Secret, TestStore.Start)), Ct);
        var log = WalFiles().ToDictionary(f => f, File.ReadAllBytes);
        await _t.Store.EraseAsync("gone", TestStore.Start.AddMinutes(1), Ct);

        // The crash: the erase manifest is durable but the log generation holding the value was not deleted yet.
        _t.Store.Dispose();
        foreach (var (file, bytes) in log)
        {
            await File.WriteAllBytesAsync(file, bytes, Ct);
        }

        var store = _t.Reopen();

        Assert.Empty(State.Entries(await store.ReadStateAsync("gone", null, null, Ct)));
        foreach (var file in Directory.EnumerateFiles(_t.Directory, "*", SearchOption.AllDirectories))
        {
            Assert.False(Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file, Ct)).Contains(Secret, StringComparison.Ordinal), $"{file} holds erased data");
        }
    }

    private string[] WalFiles() => [.. Directory.EnumerateFiles(WalDirectory, "wal-*.englang").Order(StringComparer.Ordinal)];

    /// <summary>A bucket whose open segment exists and is empty (one change appended, then emptied as if never written).</summary>
    private string CreateBucketWithEmptySegment(string bucket, long epoch)
    {
        _t.Store.AppendChangesAsync(bucket, epoch, Lines.Range(bucket, 1, 1, TestStore.Start), Ct).GetAwaiter().GetResult();
        _t.Store.Dispose();
        foreach (var file in WalFiles())
        {
            File.Delete(file);
        }

        var segment = _t.OpenSegmentPath(bucket);
        File.WriteAllBytes(segment, []);
        _t.Reopen();
        return segment;
    }
}
