using Buckets.Abstractions;
using Buckets.Abstractions.Backup;
using Buckets.Englang;
using Buckets.Grains.Backup;
using Microsoft.Extensions.DependencyInjection;

namespace Buckets.Grains.Tests;

/// <summary>
/// One silo whose backup server is a <see cref="FakeBackupClient"/> and which nobody pulls
/// (<c>Buckets:Backup:Mode = None</c>): a test plays the backup server's part itself, through
/// <see cref="IBucketReplicationGrain"/> or the silo's <see cref="PullCoordinator"/>.
/// </summary>
public class ControlledBackupClusterFixture : ClusterFixture
{
    public const int JournalMaxBytes = 64 * 1024;
    public const int BatchMaxBytes = 8 * 1024;
    public const int PullMaxBytes = 16 * 1024;

    public FakeBackupClient Backup { get; } = new();

    public PullCoordinator Coordinator => Cluster.Silos[0].ServiceProvider.GetRequiredService<PullCoordinator>();

    protected override short Silos => 1;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Buckets:Backup:Mode"] = "None",
        ["Buckets:Grain:JournalMaxBytes"] = JournalMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Buckets:Grain:BatchMaxBytes"] = BatchMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Buckets:Grain:PullMaxBytes"] = PullMaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public (IBucketGrain Bucket, string Id) NewBucket(string prefix)
    {
        var id = prefix + "-" + Guid.NewGuid().ToString("N");
        return (Grains.GetGrain<IBucketGrain>(id), id);
    }

    public IBucketReplicationGrain Replication(string id) => Grains.GetGrain<IBucketReplicationGrain>(id);

    /// <summary>Plays one pull of the backup server for one bucket: collect, store, acknowledge.</summary>
    public async Task<ChangeBatch?> StoreOnceAsync(string id)
    {
        var batch = await Replication(id).CollectChangesAsync(BackupReplicas.LocalId, int.MaxValue);
        if (batch is not null)
        {
            await Replication(id).AcknowledgeAsync(BackupReplicas.LocalId, await Backup.AppendAsync(batch, CancellationToken.None));
        }

        return batch;
    }

    /// <summary>The change numbers an incremental batch carries, in order.</summary>
    public static IReadOnlyList<long> Seqs(ChangeBatch batch)
    {
        var seqs = new List<long>();
        var rest = batch.Englang.AsSpan();
        while (rest.Length > 0)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            Assert.True(EnglangParser.TryParse(line, out var record, out var error), error);
            seqs.Add(Assert.IsAssignableFrom<ISequencedRecord>(record).Seq);
            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return seqs;
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<IBackupClient>(Backup);
}
