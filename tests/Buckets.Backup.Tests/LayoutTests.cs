using System.Globalization;
using Buckets.Backup.Status;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Buckets.Backup.Tests;

/// <summary>Bucket folders under hash-prefix folders, the move of the flat layout, paged listing, and bounded memory.</summary>
public sealed class LayoutTests : IDisposable
{
    /// <summary>The most entries any folder of the store may hold (the layout's promise for tens of millions of buckets).</summary>
    private const int FolderBound = 10_000;

    private readonly TestStore _t = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task ABucketFolderLivesUnderTwoPrefixFoldersOfItsIdsHash()
    {
        await PopulateAsync("cart-7f3a", 3);

        var (first, second) = BucketLayout.PrefixOf("cart-7f3a");
        Assert.Matches("^[0-9a-f]{2}$", first);
        Assert.Matches("^[0-9a-f]{2}$", second);
        Assert.True(File.Exists(Path.Combine(_t.Directory, "buckets", first, second, "cart-7f3a", "manifest.json")));
        Assert.Equal($"buckets/{first}/{second}/cart-7f3a", BucketLayout.RelativePath("cart-7f3a"));
        Assert.Equal(["cart-7f3a"], _t.Store.ListBuckets(null, 10).Ids);
    }

    [Fact]
    public void TwentyThousandBucketsKeepEveryFolderSmallAndThePagedListingSeesEachOnce()
    {
        // Folders only: the layout and the listing are what is tested, and 20,000 real epochs would take
        // minutes. In memory (tmpfs) where the machine has one: deleting 40,000 folders from this disk
        // took over a minute under the machine's shared load (measured here, noisy), creating them seconds.
        using var t = new TestStore(directory: Directory.Exists("/dev/shm") ? Path.Combine("/dev/shm", "buckets-backup-tests", Guid.NewGuid().ToString("N")) : null);
        var ids = Enumerable.Range(0, 20_000).Select(i => "b" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var id in ids)
        {
            Directory.CreateDirectory(BucketLayout.PathOf(t.Directory, id));
        }

        var largest = Directory.EnumerateDirectories(Path.Combine(t.Directory, "buckets"), "*", SearchOption.AllDirectories)
            .Append(Path.Combine(t.Directory, "buckets"))
            .Max(folder => Directory.EnumerateFileSystemEntries(folder).Count());
        Assert.True(largest <= 256, $"a folder holds {largest} entries");
        Assert.True(largest <= FolderBound);

        var seen = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = t.Store.ListBuckets(after, 1000);
            Assert.True(page.Ids.Count <= 1000);
            seen.AddRange(page.Ids);
            after = page.Next;
            pages++;
        }
        while (after is not null);

        Assert.Equal(20, pages);
        Assert.Equal(ids.Count, seen.Count);
        Assert.Equal(ids.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));

        // The order is the layout's (prefix folders, then id), so a cursor means the same after a restart.
        Assert.Equal(seen, seen.OrderBy(id => BucketLayout.RelativePath(id), StringComparer.Ordinal));
    }

    [Fact]
    public void APageCursorStaysValidWhenBucketsAreRemovedBetweenPages()
    {
        string[] ids = ["a1", "a2", "a3", "a4", "a5", "a6"];
        foreach (var id in ids)
        {
            Directory.CreateDirectory(BucketLayout.PathOf(_t.Directory, id));
        }

        var first = _t.Store.ListBuckets(null, 3);
        var unseen = ids.Except(first.Ids).First();
        Directory.Delete(BucketLayout.PathOf(_t.Directory, first.Next!));
        Directory.Delete(BucketLayout.PathOf(_t.Directory, unseen));
        var rest = new List<string>();
        for (var after = first.Next; after is not null;)
        {
            var page = _t.Store.ListBuckets(after, 3);
            rest.AddRange(page.Ids);
            after = page.Next;
        }

        // Buckets present throughout are seen exactly once, even when the cursor's own folder is gone.
        Assert.Equal(ids.Except([unseen]).Order(StringComparer.Ordinal), first.Ids.Concat(rest).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AStoreOfTheFlatLayoutIsMovedIntoPrefixFoldersWhenItStarts()
    {
        // "ab" is a bucket id that looks like a prefix folder: a flat bucket folder holds files, a prefix folder never does.
        string[] buckets = ["alice", "ab", "bob-2"];
        foreach (var id in buckets)
        {
            await PopulateAsync(id, 5);
        }

        _t.Store.Dispose();
        MoveToFlatLayout(buckets);
        Assert.Equal(3, buckets.Count(id => Directory.Exists(Path.Combine(_t.Directory, "buckets", id))));

        var store = _t.Reopen();

        foreach (var id in buckets)
        {
            Assert.False(Directory.Exists(Path.Combine(_t.Directory, "buckets", id)), $"{id} is still in the flat layout");
            Assert.Equal(5, (await store.ReadStateAsync(id, null, null, Ct))!.EntryCount);
        }

        Assert.Equal(buckets.Order(StringComparer.Ordinal), store.ListBuckets(null, 10).Ids.Order(StringComparer.Ordinal));
        var report = BackupVerifier.VerifyDirectory(_t.Directory);
        Assert.True(report.IsHealthy, report.ToString());
        Assert.Empty(report.Warnings);
        Assert.Equal(3, report.BucketCount);
    }

    [Fact]
    public async Task AMigrationACrashInterruptedFinishesOnTheNextStartAndRunningItAgainMovesNothing()
    {
        string[] buckets = ["m1", "m2", "m3", "m4"];
        foreach (var id in buckets)
        {
            await PopulateAsync(id, 2);
        }

        _t.Store.Dispose();
        MoveToFlatLayout(buckets);

        // The crash came after two renames and after the third bucket's leaf was created, before its rename.
        var bucketsFolder = Path.Combine(_t.Directory, "buckets");
        Directory.Move(Path.Combine(bucketsFolder, "m1"), BucketLayout.PathUnder(bucketsFolder, "m1"));
        Directory.Move(Path.Combine(bucketsFolder, "m2"), BucketLayout.PathUnder(bucketsFolder, "m2"));
        Directory.CreateDirectory(Path.GetDirectoryName(BucketLayout.PathUnder(bucketsFolder, "m3"))!);
        var verifyHalfway = BackupVerifier.VerifyDirectory(_t.Directory);
        Assert.Contains(verifyHalfway.Warnings, w => w.File == "buckets/m3" && w.Message.Contains("flat layout", StringComparison.Ordinal));

        var store = _t.Reopen();

        foreach (var id in buckets)
        {
            Assert.Equal(2, (await store.ReadStateAsync(id, null, null, Ct))!.EntryCount);
        }

        Assert.Empty(BucketLayout.FlatFolders(bucketsFolder));
        Assert.Equal(0, BucketLayout.MigrateFlat(bucketsFolder, NullLogger.Instance));
        Assert.Contains(_t.Logger.Entries, e => e.Message.Contains("Moved 2 bucket folders", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheStoreKeepsAtMostMaxCachedStatesInMemoryAndStillServesEveryBucket()
    {
        using var t = new TestStore(maxCachedStates: 16);
        var ids = Enumerable.Range(0, 60).Select(i => "s" + i.ToString(CultureInfo.InvariantCulture)).ToList();
        foreach (var id in ids)
        {
            await t.Store.OpenEpochAsync(id, Ct);
            Assert.True(t.Store.CachedStates <= 16, $"{t.Store.CachedStates} states cached");
        }

        foreach (var id in ids)
        {
            Assert.Equal(1, (await t.Store.DescribeAsync(id, Ct))!.Epoch);
        }

        Assert.True(t.Store.CachedStates <= 16);
    }

    [Fact]
    public void HealthRemembersAtMostMaxTrackedBucketsKeepingTheMostRecentlyStored()
    {
        var health = new BackupHealth(_t.Time, Microsoft.Extensions.Options.Options.Create(new StatusOptions { MaxTrackedBuckets = 100 }), _t.Directory);
        for (var i = 0; i < 1000; i++)
        {
            _t.Time.Advance(TimeSpan.FromMilliseconds(1));
            health.RecordStored("h" + i.ToString(CultureInfo.InvariantCulture), i, null);
        }

        Assert.InRange(health.Buckets.Count, 1, 100);
        Assert.Contains("h999", health.Buckets.Keys);
        Assert.DoesNotContain("h0", health.Buckets.Keys);
        Assert.Contains("h999", health.TouchedSince(TestStore.Start));
    }

    /// <summary>Moves each bucket's folder back to <c>buckets/&lt;id&gt;</c>, as a store before prefix folders left it.</summary>
    private void MoveToFlatLayout(IEnumerable<string> buckets)
    {
        foreach (var id in buckets)
        {
            Directory.Move(_t.BucketDirectory(id), Path.Combine(_t.Directory, "buckets", id));
        }
    }

    private async Task PopulateAsync(string bucket, int count)
    {
        var epoch = (await _t.Store.OpenEpochAsync(bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(bucket, epoch, Lines.Range(bucket, 1, count, TestStore.Start), Ct);
    }
}
