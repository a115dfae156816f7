using System.Buffers;
using System.Text;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Storage;
using Buckets.EndToEnd.Tests.Infrastructure;
using Buckets.Englang;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Buckets.EndToEnd.Tests;

/// <summary>
/// <c>buckets replay</c> on a real bucket folder written by the backup store: changes 1 to 3 (a, b, c),
/// a grain snapshot as of change 4 (a, b, c, d; it retires the first generation), then change 5
/// (set e) and change 6 (delete a). The folder holds a retired change file, the live snapshot and the
/// live open segment.
/// </summary>
[Trait("Category", "E2E")]
public sealed class CliReplayTests : IAsyncLifetime
{
    private const string Bucket = "replay-cli";
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "buckets-cli-replay-" + Guid.NewGuid().ToString("N"));

    private string Folder => BucketLayout.PathOf(_dataDirectory, Bucket);

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new FileBackupStore(Options.Create(new BackupStoreOptions { DataDirectory = _dataDirectory }), TimeProvider.System, NullLogger<FileBackupStore>.Instance);
        var epoch = (await store.OpenEpochAsync(Bucket, ct)).Epoch;
        await Stored(store.AppendChangesAsync(Bucket, epoch, Lines(Set(1, "a", "1"), Set(2, "b", "2"), Set(3, "c", "3")), ct));
        await Stored(store.AppendSnapshotAsync(Bucket, epoch, SnapshotAsOf4(), ct));
        await Stored(store.AppendChangesAsync(Bucket, epoch, Lines(Set(5, "e", "5"), new DeleteRecord(Start.AddSeconds(6), Bucket, 6, "a")), ct));
    }

    public ValueTask DisposeAsync()
    {
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ReplayOfABucketFolderPrintsTheStateOfItsLiveFiles()
    {
        var replay = await Cli.RunAsync("replay", Folder);

        Assert.True(replay.ExitCode == 0, replay.Errors);
        AssertHolds(replay.Output, ["b", "c", "d", "e"]);
    }

    [Fact]
    public async Task ReplayOfABucketFolderStopsAtTheGivenChange()
    {
        var replay = await Cli.RunAsync("replay", Folder, "--seq", "5");

        Assert.True(replay.ExitCode == 0, replay.Errors);
        AssertHolds(replay.Output, ["a", "b", "c", "d", "e"]);
    }

    [Fact]
    public async Task ReplayOfABucketFolderBeforeItsLiveSnapshotSaysWhereThatStateIs()
    {
        var replay = await Cli.RunAsync("replay", Folder, "--seq", "2");

        Assert.Equal(2, replay.ExitCode);
        Assert.Contains("as of change 4", replay.Errors, StringComparison.Ordinal);
        Assert.Contains(RetiredChanges(), replay.Errors, StringComparison.Ordinal);

        // Following that advice works: the retired change file alone holds changes 1 to 3.
        var older = await Cli.RunAsync("replay", Path.Combine(Folder, RetiredChanges()), "--seq", "2");
        Assert.True(older.ExitCode == 0, older.Errors);
        AssertHolds(older.Output, ["a", "b"]);
    }

    [Fact]
    public async Task ReplayOfFilesGivenChangesFirstReplaysTheSnapshotFirst()
    {
        var replay = await Cli.RunAsync("replay", Path.Combine(Folder, LiveChanges()), Path.Combine(Folder, Snapshot()));

        Assert.True(replay.ExitCode == 0, replay.Errors);
        AssertHolds(replay.Output, ["b", "c", "d", "e"]);
    }

    [Fact]
    public async Task ReplayOfEveryFileInTheFolderIsRefusedNamingTheOlderFileAndTheFolderForm()
    {
        // What the shell makes of data/backups/buckets/<id>/*.englang: retired files included, changes before the snapshot.
        var files = Directory.GetFiles(Folder, "*.englang").Order(StringComparer.Ordinal).ToArray();

        var replay = await Cli.RunAsync(["replay", .. files]);

        Assert.Equal(2, replay.ExitCode);
        Assert.Contains(RetiredChanges(), replay.Errors, StringComparison.Ordinal);
        Assert.Contains("bucket folder", replay.Errors, StringComparison.Ordinal);
        Assert.Equal("", replay.Output);
    }

    private static void AssertHolds(string snapshot, string[] keys)
    {
        var held = snapshot.Split('\n').Where(line => line.Contains(" held \"", StringComparison.Ordinal)).ToList();
        Assert.True(held.Count == keys.Length, $"expected {keys.Length} entries, got:\n{snapshot}");
        foreach (var key in keys)
        {
            Assert.Contains(held, line => line.Contains($"held \"{key}\" as \"", StringComparison.Ordinal));
        }
    }

    private static async Task Stored(Task<AppendResult> append) => Assert.Equal(AckStatus.Stored, (await append).Status);

    private static SetRecord Set(long seq, string key, string value) => new(Start.AddSeconds(seq), Bucket, seq, key, Encoding.UTF8.GetBytes(value), null);

    private static byte[] Lines(params EnglangRecord[] records) => Encoding.UTF8.GetBytes(string.Concat(records.Select(EnglangWriter.Format)));

    private static byte[] SnapshotAsOf4()
    {
        var buffer = new ArrayBufferWriter<byte>();
        (string Key, byte[] Value, DateTimeOffset? ExpiresAt, long Version)[] entries =
            [("a", "1"u8.ToArray(), null, 1), ("b", "2"u8.ToArray(), null, 2), ("c", "3"u8.ToArray(), null, 3), ("d", "4"u8.ToArray(), null, 4)];
        SnapshotWriter.Write(buffer, Bucket, Start.AddSeconds(4), 4, EnglangDurability.Standard, null, entries);
        return buffer.WrittenSpan.ToArray();
    }

    private string Snapshot() => Single("snapshot-*.englang");

    private string LiveChanges() => Single("changes-*-open-*.englang");

    private string RetiredChanges() => Single("changes-000000000001-*.englang");

    private string Single(string pattern) => Path.GetFileName(Assert.Single(Directory.GetFiles(Folder, pattern)));
}
