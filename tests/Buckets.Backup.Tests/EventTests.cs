using System.Globalization;
using System.Text;
using Buckets.Backup.Events;
using Buckets.Backup.Maintenance;
using Buckets.Backup.Status;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OptionsOf = Microsoft.Extensions.Options.Options;

namespace Buckets.Backup.Tests;

/// <summary>The health event log: on disk across restarts, coalescing of Info, filters and paging, and the conditions that raise events.</summary>
public sealed class EventTests : IDisposable
{
    private const string Bucket = "cart-7f3a";
    private static readonly BackupEventKind[] AllKinds = [];
    private readonly TestStore _t = new(withEvents: true);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private BackupEventLog Events => _t.Events!;

    public void Dispose() => _t.Dispose();

    [Fact]
    public void WarningsAndFailuresAreOnDiskAtOnceAndARestartLosesNone()
    {
        Events.Raise(BackupEventKind.DiskLimitImminent, BackupEventSeverity.Warning, "The disk fills within a day.", new Dictionary<string, string> { ["freeBytes"] = "1000" });
        Events.Raise(BackupEventKind.CorruptionFound, BackupEventSeverity.Failure, "Bucket a is damaged.");

        // A second process on the same directory (as after a crash: the first was never stopped) reads both.
        using (var reader = _t.NewEventLog())
        {
            var page = reader.Query(AllKinds, BackupEventSeverity.Info, null, 10);
            Assert.Equal([BackupEventKind.CorruptionFound, BackupEventKind.DiskLimitImminent], page.Events.Select(e => e.Kind));
            Assert.Equal("1000", page.Events[1].Details["freeBytes"]);
        }

        Events.Raise(BackupEventKind.IntegritySweepFinished, BackupEventSeverity.Info, "Swept.");
        Events.Dispose();
        using var restarted = _t.NewEventLog();
        restarted.Raise(BackupEventKind.ServerBack, BackupEventSeverity.Warning, "Back.");

        var all = restarted.Query(AllKinds, BackupEventSeverity.Info, null, 10).Events;
        Assert.Equal(
            [BackupEventKind.ServerBack, BackupEventKind.IntegritySweepFinished, BackupEventKind.CorruptionFound, BackupEventKind.DiskLimitImminent],
            all.Select(e => e.Kind));
        Assert.Equal([4L, 3, 2, 1], all.Select(e => e.Id));
        Assert.True(Directory.EnumerateFiles(Path.Combine(_t.Directory, "events"), "events-*.jsonl").Any());
    }

    [Fact]
    public void InfoEventsOfOneKindAreCoalescedAndWrittenOncePerInterval()
    {
        for (var i = 1; i <= 3; i++)
        {
            _t.Time.Advance(TimeSpan.FromSeconds(1));
            Events.Raise(BackupEventKind.IntegritySweepFinished, BackupEventSeverity.Info, $"Sweep {i} finished.");
        }

        Events.Raise(BackupEventKind.ServerAdded, BackupEventSeverity.Info, "Server 4 joined.");
        Assert.Empty(Events.Query(AllKinds, BackupEventSeverity.Info, null, 10).Events);

        _t.Time.Advance(_t.EventSettings.InfoInterval);

        var events = Events.Query(AllKinds, BackupEventSeverity.Info, null, 10).Events;
        Assert.Equal(2, events.Count);
        var sweep = Assert.Single(events, e => e.Kind == BackupEventKind.IntegritySweepFinished);
        Assert.Equal(3, sweep.Count);
        Assert.Equal("Sweep 3 finished.", sweep.Summary);
        Assert.Equal(TestStore.Start.AddSeconds(1), sweep.FirstAt);
        Assert.Equal(TestStore.Start.AddSeconds(3), sweep.At);
        Assert.Equal(1, Assert.Single(events, e => e.Kind == BackupEventKind.ServerAdded).Count);
    }

    [Fact]
    public void EventsFilterByKindAndLeastSeverityAndPageNewestFirstWithACursor()
    {
        var severities = new[] { BackupEventSeverity.Warning, BackupEventSeverity.Failure };
        for (var i = 0; i < 25; i++)
        {
            var kind = i % 2 == 0 ? BackupEventKind.BackupLagHigh : BackupEventKind.ServerUnreachable;
            Events.Raise(kind, severities[i % 3 == 0 ? 1 : 0], $"event {i}");
        }

        var pages = new List<BackupEventPage>();
        long? cursor = null;
        do
        {
            var page = Events.Query(AllKinds, BackupEventSeverity.Info, cursor, 10);
            pages.Add(page);
            cursor = page.Next is { } next ? long.Parse(next, CultureInfo.InvariantCulture) : null;
        }
        while (cursor is not null);

        var ids = pages.SelectMany(p => p.Events).Select(e => e.Id).ToList();
        Assert.Equal([10, 10, 5], pages.Select(p => p.Events.Count));
        Assert.Equal(Enumerable.Range(1, 25).Reverse().Select(i => (long)i), ids);

        var lag = Events.Query([BackupEventKind.BackupLagHigh], BackupEventSeverity.Info, null, 100).Events;
        Assert.Equal(13, lag.Count);
        Assert.All(lag, e => Assert.Equal(BackupEventKind.BackupLagHigh, e.Kind));

        var failures = Events.Query(AllKinds, BackupEventSeverity.Failure, null, 100).Events;
        Assert.Equal(9, failures.Count);
        Assert.All(failures, e => Assert.Equal(BackupEventSeverity.Failure, e.Severity));
        Assert.Equal(25, Events.Query(AllKinds, BackupEventSeverity.Warning, null, 100).Events.Count);
    }

    [Fact]
    public void OldEventFilesAreDeletedPastTheRetainedBytes()
    {
        _t.EventSettings.MaxFileBytes = 4096;
        _t.EventSettings.RetainedBytes = 12 * 1024;
        using var events = _t.NewEventLog();
        for (var i = 1; i <= 300; i++)
        {
            events.Raise(BackupEventKind.ServerUnreachable, BackupEventSeverity.Warning, $"Server {i} does not answer.");
        }

        var files = Directory.GetFiles(events.Directory, "events-*.jsonl");
        Assert.InRange(files.Length, 2, 4);
        Assert.True(files.Sum(f => new FileInfo(f).Length) <= _t.EventSettings.RetainedBytes);
        var kept = events.Query(AllKinds, BackupEventSeverity.Info, null, 1000).Events;
        Assert.Equal(300, kept[0].Id);
        Assert.True(kept[^1].Id > 1, "the oldest events were dropped with their file");
        Assert.Equal(kept.Count, kept.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public void RepeatsAboutOneSubjectAreHeldBackAndCountedInTheNextOne()
    {
        Assert.True(Events.RaiseUnlessRecent("disk", BackupEventKind.DiskLimitReached, BackupEventSeverity.Failure, "Full."));
        Assert.False(Events.RaiseUnlessRecent("disk", BackupEventKind.DiskLimitReached, BackupEventSeverity.Failure, "Full."));
        Assert.True(Events.RaiseUnlessRecent("other", BackupEventKind.DiskLimitReached, BackupEventSeverity.Failure, "Other full."));

        _t.Time.Advance(_t.EventSettings.RepeatInterval);
        Assert.True(Events.RaiseUnlessRecent("disk", BackupEventKind.DiskLimitReached, BackupEventSeverity.Failure, "Still full."));

        var events = Events.Query(AllKinds, BackupEventSeverity.Info, null, 10).Events;
        Assert.Equal(3, events.Count);
        Assert.Equal("1", events[0].Details["heldBack"]);
    }

    [Fact]
    public void ABatchStoredLaterThanTheLagThresholdRaisesBackupLagHigh()
    {
        var health = new BackupHealth(_t.Time, OptionsOf.Create(new StatusOptions()), _t.Directory, Events, OptionsOf.Create(_t.EventSettings));

        // What the ingest records for every stored batch: two minutes from the first change to its fsync, past the 30 s threshold.
        health.RecordStored(Bucket, 1, TimeSpan.FromMinutes(2));

        var lag = Assert.Single(Events.Query([BackupEventKind.BackupLagHigh], BackupEventSeverity.Warning, null, 10).Events);
        Assert.Equal(Bucket, lag.Details["bucketId"]);
        Assert.Equal(120, double.Parse(lag.Details["lagSeconds"], CultureInfo.InvariantCulture), 1);

        // A batch in time raises nothing more.
        health.RecordStored(Bucket, 2, TimeSpan.FromSeconds(1));
        Assert.Single(Events.Query([BackupEventKind.BackupLagHigh], BackupEventSeverity.Info, null, 10).Events);
    }

    [Fact]
    public void FreeSpaceBelowTheReserveRaisesDiskLimitReachedOnceUntilTheRepeatInterval()
    {
        // No disk has this much free space: the real sample of the data directory's volume is below it.
        _t.EventSettings.DiskReserveBytes = long.MaxValue;
        var health = new BackupHealth(_t.Time, OptionsOf.Create(new StatusOptions()), _t.Directory, Events, OptionsOf.Create(_t.EventSettings));

        health.SampleDisk();
        _t.Time.Advance(new StatusOptions().DiskSampleInterval);
        health.SampleDisk();

        var reached = Assert.Single(Events.Query([BackupEventKind.DiskLimitReached], BackupEventSeverity.Failure, null, 10).Events);
        Assert.Equal(long.MaxValue.ToString(CultureInfo.InvariantCulture), reached.Details["reserveBytes"]);
        Assert.True(long.Parse(reached.Details["freeBytes"], CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task ADamagedBucketRaisesCorruptionFoundOnceAndItsRepairRaisesCorruptionRepaired()
    {
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 5, TestStore.Start), Ct);
        var store = _t.Reopen();
        var path = _t.OpenSegmentPath(Bucket);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        bytes[Lines.IndexOfLine(bytes, 2) + 20] ^= 0x02;
        await File.WriteAllBytesAsync(path, bytes, Ct);

        await Assert.ThrowsAsync<BackupCorruptException>(() => store.ReadStateAsync(Bucket, null, null, Ct));
        await Assert.ThrowsAsync<BackupCorruptException>(() => store.OpenEpochAsync(Bucket, Ct));

        var found = Assert.Single(Events.Query([BackupEventKind.CorruptionFound], BackupEventSeverity.Info, null, 10).Events);
        Assert.Equal(BackupEventSeverity.Failure, found.Severity);
        Assert.Equal(Bucket, found.Details["bucketId"]);
        Assert.Equal(Path.GetFileName(path), found.Details["file"]);
        Assert.Equal("2", found.Details["line"]);
        Assert.DoesNotContain("value", found.Summary, StringComparison.Ordinal);

        var repair = await store.RepairAsync(Bucket, Ct);

        Assert.True(repair!.Repaired);
        var repaired = Assert.Single(Events.Query([BackupEventKind.CorruptionRepaired], BackupEventSeverity.Info, null, 10).Events);
        Assert.Equal(Bucket, repaired.Details["bucketId"]);
        Assert.Equal("1", repaired.Details["keptSeq"]);
    }

    [Fact]
    public async Task TheRetentionSweepRaisesRetentionSweepFinishedWithWhatItVisited()
    {
        foreach (var id in new[] { "s1", "s2", "s3" })
        {
            await _t.Store.OpenEpochAsync(id, Ct);
        }

        var health = new BackupHealth(_t.Time, OptionsOf.Create(new StatusOptions()), _t.Directory);
        var options = OptionsOf.Create(new MaintenanceOptions { CompactionInterval = TimeSpan.FromMinutes(1), SweepPageSize = 2 });
        using var service = new CompactionService(_t.Store, health, options, _t.Time, NullLogger<CompactionService>.Instance, Events);
        await service.StartAsync(Ct);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (health.BucketsInStore is null && DateTime.UtcNow < deadline)
            {
                _t.Time.Advance(TimeSpan.FromMinutes(1));
                await Task.Delay(20, Ct);
            }
        }
        finally
        {
            await service.StopAsync(Ct);
        }

        Events.FlushInfo();
        var sweep = Assert.Single(Events.Query([BackupEventKind.RetentionSweepFinished], BackupEventSeverity.Info, null, 10).Events);
        Assert.Equal("3", sweep.Details["buckets"]);
        Assert.Equal("0", sweep.Details["damaged"]);
        Assert.Equal(3, health.BucketsInStore);
    }

    [Fact]
    public void BadEventSettingsStopTheStartNamingEachOne()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Backup:Store:DataDirectory"] = _t.Directory,
            ["Backup:Events:DefaultPageLimit"] = "500",
            ["Backup:Events:MaxPageLimit"] = "100",
            ["Backup:Events:MaxFileBytes"] = "1048576",
            ["Backup:Events:RetainedBytes"] = "65536",
            ["Backup:Events:InfoInterval"] = "00:00:00",
        });
        builder.AddBackupCore();
        using var host = builder.Build();

        // What the start-up check (ValidateOnStart) reads: every rule broken, data annotations and cross-field ones together.
        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EventOptions>>().Value);

        foreach (var setting in new[] { "DefaultPageLimit", "RetainedBytes", "InfoInterval" })
        {
            Assert.True(failure.Failures.Any(f => f.Contains(setting, StringComparison.Ordinal)), $"{setting} is not named: {failure.Message}");
        }
    }

    [Fact]
    public void EventLinesHoldTheEventAsJson()
    {
        Events.Raise(BackupEventKind.ServerListMismatch, BackupEventSeverity.Warning, "Lists differ.", new Dictionary<string, string> { ["peer"] = "b-1" });

        var line = File.ReadAllLines(Directory.GetFiles(Events.Directory, "events-*.jsonl").Single(), Encoding.UTF8).Single();

        Assert.Contains("\"kind\":\"ServerListMismatch\"", line, StringComparison.Ordinal);
        Assert.Contains("\"severity\":\"Warning\"", line, StringComparison.Ordinal);
        Assert.Contains("\"peer\":\"b-1\"", line, StringComparison.Ordinal);
    }
}
