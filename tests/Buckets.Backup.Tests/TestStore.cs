using Buckets.Backup.Events;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Buckets.Backup.Tests;

/// <summary>A store on a fresh temporary directory with a fake clock; <see cref="Reopen"/> simulates a restart.</summary>
internal sealed class TestStore : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public TestStore(long segmentMaxBytes = 8 * 1024 * 1024, long compactionThresholdBytes = 16 * 1024 * 1024, TimeSpan? retention = null, string? directory = null, int openFileCacheSize = 1024, int maxCachedStates = 100_000, bool withEvents = false)
    {
        Directory = directory ?? Path.Combine(Path.GetTempPath(), "buckets-backup-tests", Guid.NewGuid().ToString("N"));
        Options = new BackupStoreOptions
        {
            DataDirectory = Directory,
            SegmentMaxBytes = segmentMaxBytes,
            CompactionThresholdBytes = compactionThresholdBytes,
            Retention = retention ?? TimeSpan.FromDays(7),
            OpenFileCacheSize = openFileCacheSize,
            MaxCachedStates = maxCachedStates,
        };
        Events = withEvents ? NewEventLog() : null;
        Store = Open();
    }

    public string Directory { get; }

    public BackupStoreOptions Options { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public ListLogger<FileBackupStore> Logger { get; private set; } = new();

    public FileBackupStore Store { get; private set; }

    /// <summary>The store's event log, when made with <c>withEvents</c>.</summary>
    public BackupEventLog? Events { get; private set; }

    public EventOptions EventSettings { get; } = new();

    /// <summary>An event log on this store's directory (a restart of the log is a new one).</summary>
    public BackupEventLog NewEventLog() =>
        new(Microsoft.Extensions.Options.Options.Create(EventSettings), Microsoft.Extensions.Options.Options.Create(Options), Time, new ListLogger<BackupEventLog>());

    public string BucketDirectory(string bucketId) => BucketLayout.PathOf(Directory, bucketId);

    public string[] BucketFiles(string bucketId) =>
        [.. System.IO.Directory.EnumerateFiles(BucketDirectory(bucketId)).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    public string OpenSegmentPath(string bucketId) =>
        System.IO.Directory.EnumerateFiles(BucketDirectory(bucketId), "changes-*-open-*.englang").Single();

    /// <summary>A new store instance on the same directory, as after a process restart.</summary>
    public FileBackupStore Reopen()
    {
        // The old instance stops writing (as a process that died would); its files stay as they are.
        Store.Dispose();
        Logger = new ListLogger<FileBackupStore>();
        Store = Open();
        return Store;
    }

    public void Dispose()
    {
        Store.Dispose();
        Events?.Dispose();
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private FileBackupStore Open() => new(Microsoft.Extensions.Options.Options.Create(Options), Time, Logger, Events);
}
