using System.Text;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Cluster;
using Buckets.Backup.Events;
using Buckets.Englang;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using OptionsOf = Microsoft.Extensions.Options.Options;

namespace Buckets.Backup.Tests;

/// <summary>The integrity sweep across replicas with real stores: damage found and repaired from peers, a missed erase never brought back, the replication target counted.</summary>
public sealed class IntegritySweepTests : IDisposable
{
    private const string Bucket = "sweep-bucket";
    private const string Secret = "ERASED-VALUE-0815";
    private readonly ReplicaStores _r = new(3);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _r.Dispose();

    [Fact]
    public async Task ADamagedLineIsFoundRaisedAndRepairedFromThePeersAndTheValuesReadBack()
    {
        await WriteEverywhereAsync(Bucket, 12);
        var segment = _r.Stores[0].OpenSegmentPath(Bucket);
        var bytes = await File.ReadAllBytesAsync(segment, Ct);
        var at = Lines.IndexOfLine(bytes, 5) + Encoding.UTF8.GetString(bytes).Split('\n')[4].IndexOf("value5", StringComparison.Ordinal);
        bytes[at] = (byte)'V';
        await File.WriteAllBytesAsync(segment, bytes, Ct);
        Assert.False((await _r.Stores[0].Store.VerifyAsync(Bucket, Ct))!.IsHealthy);

        var report = await _r.SweepOf(0).SweepOnceAsync(Ct);

        Assert.Equal((1, 1, 1, 0), (report.BucketsKept, report.Damaged, report.Repaired, report.RepairsFailed));
        Assert.True((await _r.Stores[0].Store.VerifyAsync(Bucket, Ct))!.IsHealthy);
        Assert.Equal((await _r.DigestAsync(1, Bucket))!.Digest, (await _r.DigestAsync(0, Bucket))!.Digest);
        var entries = State.Entries(await _r.Stores[0].Store.ReadStateAsync(Bucket, null, null, Ct));
        Assert.Contains("key5=value5", entries);
        Assert.Equal(12, entries.Length);
        var events = _r.Stores[0].Events!;
        var found = Assert.Single(events.Query([BackupEventKind.CorruptionFound], BackupEventSeverity.Info, null, 10).Events);
        Assert.Equal(Bucket, found.Details["bucketId"]);
        Assert.Single(events.Query([BackupEventKind.CorruptionRepaired], BackupEventSeverity.Info, null, 10).Events);

        // The next sweep finds nothing: the damaged files are gone, not kept where verification meets them again.
        var next = await _r.SweepOf(0).SweepOnceAsync(Ct);
        Assert.Equal((1, 0, 0), (next.InSync, next.Damaged, next.Repaired));
    }

    [Fact]
    public async Task AnEraseMissedByOneReplicaReplacesItsValuesAfterTheGracePeriodAndNeverComesBack()
    {
        await WriteEverywhereAsync(Bucket, 12, Secret);

        // The grain's erase: a new epoch on a majority, then the erase there; replica 0 is down meanwhile.
        foreach (var i in new[] { 1, 2 })
        {
            Assert.True((await _r.Stores[i].Store.OpenEpochAsync(Bucket, new EpochRequest(2, false), Ct)).Granted);
            await _r.Stores[i].Store.EraseAsync(Bucket, TestStore.Start.AddMinutes(1), Ct);
        }

        // The erased replicas stay as they are: the stale copy is older by (writer epoch, last change).
        Assert.Equal(0, (await _r.SweepOf(1).SweepOnceAsync(Ct)).Repaired);
        Assert.True((await _r.DigestAsync(1, Bucket))!.Erased);

        var sweep = _r.SweepOf(0);
        var first = await sweep.SweepOnceAsync(Ct);
        Assert.Equal((1, 0), (first.Behind, first.Repaired));
        _r.Stores[0].Time.Advance(_r.Sweep.GracePeriod);
        var second = await sweep.SweepOnceAsync(Ct);

        Assert.Equal((1, 1), (second.Divergent, second.Repaired));
        var held = (await _r.DigestAsync(0, Bucket))!;
        var erased = (await _r.DigestAsync(1, Bucket))!;
        Assert.True(held.Erased);
        Assert.Equal((erased.WriterEpoch, erased.LastSeq, erased.Digest), (held.WriterEpoch, held.LastSeq, held.Digest));
        Assert.Empty(State.Entries(await _r.Stores[0].Store.ReadStateAsync(Bucket, null, null, Ct)));
        AssertNoFileContains(_r.Stores[0].Directory, Secret);
        Assert.Single(_r.Stores[0].Events!.Query([BackupEventKind.ReplicaRepaired], BackupEventSeverity.Info, null, 10).Events);

        // Nobody takes the old values back: every replica's sweep now finds them in sync.
        foreach (var i in new[] { 0, 1, 2 })
        {
            var report = await _r.SweepOf(i).SweepOnceAsync(Ct);
            Assert.Equal((1, 0), (report.InSync, report.Repaired));
        }
    }

    [Fact]
    public async Task ACopyThatDivergesAtTheSameChangeIsReplacedByTheOneTheMajorityHolds()
    {
        await WriteAsync(0, Bucket, 6, "other");
        await WriteAsync(1, Bucket, 6);
        await WriteAsync(2, Bucket, 6);

        // The majority's replicas keep theirs; the odd one out takes it.
        Assert.Equal(0, (await _r.SweepOf(1).SweepOnceAsync(Ct)).Repaired);
        var report = await _r.SweepOf(0).SweepOnceAsync(Ct);

        Assert.Equal((1, 1), (report.Divergent, report.Repaired));
        Assert.Contains("key6=value6", State.Entries(await _r.Stores[0].Store.ReadStateAsync(Bucket, null, null, Ct)));
        Assert.Equal((await _r.DigestAsync(1, Bucket))!.Digest, (await _r.DigestAsync(0, Bucket))!.Digest);
        Assert.Single(_r.Stores[0].Events!.Query([BackupEventKind.ReplicaDivergent], BackupEventSeverity.Warning, null, 10).Events);
    }

    [Fact]
    public async Task BucketsWithTooFewVerifiedReplicasAreCountedAndRaisedWithTheirIds()
    {
        await WriteAsync(0, Bucket, 3);
        await WriteAsync(1, Bucket, 3);

        var report = await _r.SweepOf(0).SweepOnceAsync(Ct);

        Assert.Equal(1, report.BelowTarget);
        Assert.Equal([Bucket], report.BelowTargetIds);
        var raised = Assert.Single(_r.Stores[0].Events!.Query([BackupEventKind.ReplicationBelowTarget], BackupEventSeverity.Info, null, 10).Events);
        Assert.Equal("1", raised.Details["buckets"]);
        Assert.Contains(Bucket, raised.Details["bucketIds"], StringComparison.Ordinal);
        _r.Stores[0].Events!.FlushInfo();
        var finished = Assert.Single(_r.Stores[0].Events!.Query([BackupEventKind.IntegritySweepFinished], BackupEventSeverity.Info, null, 10).Events);
        Assert.Equal("1", finished.Details["belowTarget"]);
    }

    [Fact]
    public async Task ARepairWaitsForAReplicaThatDoesNotAnswerAndHappensOnceItDoes()
    {
        await WriteEverywhereAsync(Bucket, 4);
        var manifest = Path.Combine(_r.Stores[0].BucketDirectory(Bucket), "manifest.json");
        await File.WriteAllTextAsync(manifest, "{ not json", Ct);
        _r.Down.Add(2);

        var deferred = await _r.SweepOf(0).SweepOnceAsync(Ct);
        Assert.Equal((1, 1, 0), (deferred.Damaged, deferred.Deferred, deferred.Repaired));

        _r.Down.Clear();
        var repaired = await _r.SweepOf(0).SweepOnceAsync(Ct);
        Assert.Equal(1, repaired.Repaired);
        Assert.Equal((await _r.DigestAsync(2, Bucket))!.Digest, (await _r.DigestAsync(0, Bucket))!.Digest);
    }

    [Fact]
    public async Task ACopyOutsideTheBucketsReplicasIsLeftAlone()
    {
        _r.Replication = new ReplicationOptions { Critical = 2, Standard = 2 };
        var bucket = Enumerable.Range(0, 200).Select(i => $"placed-{i}").First(id => !ReplicaPlacement.IsReplica(id, _r.Ids, 2, 0));
        await WriteAsync(0, bucket, 2);
        foreach (var index in ReplicaPlacement.Replicas(bucket, _r.Ids, 2))
        {
            await WriteAsync(index, bucket, 5);
        }

        var report = await _r.SweepOf(0).SweepOnceAsync(Ct);

        Assert.Equal((1, 0, 0), (report.BucketsHeld, report.BucketsKept, report.Repaired));
        Assert.Equal(2, (await _r.DigestAsync(0, bucket))!.LastSeq);
    }

    [Fact]
    public async Task ASingleServerVerifiesItsFilesAndReportsDamageItCannotRepair()
    {
        using var t = new TestStore(withEvents: true);
        var epoch = (await t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await t.Store.AppendChangesAsync(Bucket, epoch, Lines.Range(Bucket, 1, 3, TestStore.Start), Ct);
        var segment = t.OpenSegmentPath(Bucket);
        var bytes = await File.ReadAllBytesAsync(segment, Ct);
        bytes[Lines.IndexOfLine(bytes, 1) + 1] ^= 0x01;
        await File.WriteAllBytesAsync(segment, bytes, Ct);
        var resync = new ReplicaResync(
            t.Store, OptionsOf.Create(new BackupClusterOptions()), OptionsOf.Create(new ReplicationOptions()), OptionsOf.Create(new ResyncOptions()), OptionsOf.Create(t.Options), t.Time, NullLogger<ReplicaResync>.Instance);
        var sweep = new IntegritySweep(
            t.Store, OptionsOf.Create(new BackupClusterOptions()), OptionsOf.Create(new ReplicationOptions()), OptionsOf.Create(new SweepOptions()), resync, t.Time, NullLogger<IntegritySweep>.Instance, events: t.Events);

        var report = await sweep.SweepOnceAsync(Ct);

        Assert.Equal((1, 1, 1, 1), (report.BucketsKept, report.Damaged, report.RepairsFailed, report.BelowTarget));
        Assert.NotEmpty(t.Events!.Query([BackupEventKind.CorruptionFound], BackupEventSeverity.Failure, null, 10).Events);
        Assert.NotEmpty(t.Events.Query([BackupEventKind.ReplicaRepairFailed], BackupEventSeverity.Failure, null, 10).Events);
        Assert.Equal(report, sweep.Status.Last);
    }

    [Fact]
    public void ASiloWithAnotherServerListIsRaisedOnceUntilItChanges()
    {
        var cluster = new BackupClusterOptions { Self = _r.Servers[0] };
        foreach (var server in _r.Servers)
        {
            cluster.Servers.Add(server);
        }

        var events = _r.Stores[0].Events!;
        var monitor = new PeerMonitor(OptionsOf.Create(cluster), _r.Stores[0].Time, NullLogger<PeerMonitor>.Instance, events: events);

        monitor.CheckSilo("http://silo-a:8081", [_r.Ids[0], _r.Ids[1]]);
        monitor.CheckSilo("http://silo-a:8081", [_r.Ids[0], _r.Ids[1]]);
        monitor.CheckSilo("http://silo-b:8081", _r.Ids);

        var raised = Assert.Single(events.Query([BackupEventKind.ServerListMismatch], BackupEventSeverity.Failure, null, 10).Events);
        Assert.Equal("http://silo-a:8081", raised.Details["silo"]);
        Assert.Contains(_r.Ids[2], raised.Details["difference"], StringComparison.Ordinal);
    }

    [Fact]
    public void BadSweepSettingsStopTheStartNamingEachOne()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Backup:Store:DataDirectory"] = _r.Stores[0].Directory,
            ["Backup:Sweep:Interval"] = "00:00:00",
            ["Backup:Sweep:PageSize"] = "4",
            ["Backup:Sweep:Concurrency"] = "8",
            ["Backup:Sweep:MaxBytesPerSecond"] = "10",
            ["Backup:Sweep:GracePeriod"] = "3.00:00:00",
        });
        builder.AddBackupCore();
        using var host = builder.Build();

        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SweepOptions>>().Value);

        foreach (var setting in new[] { "Interval", "Concurrency", "MaxBytesPerSecond", "GracePeriod" })
        {
            Assert.True(failure.Failures.Any(f => f.Contains(setting, StringComparison.Ordinal)), $"{setting} is not named: {failure.Message}");
        }
    }

    /// <summary>The same changes on every replica, written by epoch 1 (as pulls from one activation deliver them).</summary>
    private async Task WriteEverywhereAsync(string bucketId, int changes, string valuePrefix = "value")
    {
        for (var i = 0; i < _r.Stores.Count; i++)
        {
            await WriteAsync(i, bucketId, changes, valuePrefix);
        }
    }

    private async Task WriteAsync(int index, string bucketId, int changes, string valuePrefix = "value")
    {
        var store = _r.Stores[index].Store;
        var epoch = (await store.OpenEpochAsync(bucketId, new EpochRequest(1, false), Ct)).Epoch;
        var lines = Lines.Of([.. Enumerable.Range(1, changes).Select(seq => (EnglangRecord)Lines.Set(bucketId, seq, $"key{seq}", $"{valuePrefix}{seq}", TestStore.Start.AddSeconds(seq)))]);
        Assert.Equal(AckStatus.Stored, (await store.AppendChangesAsync(bucketId, epoch, lines, Ct)).Status);
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
