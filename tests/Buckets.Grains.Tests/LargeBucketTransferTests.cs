using System.Text;
using Buckets.Abstractions;
using Buckets.Englang;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Buckets.Grains.Tests;

/// <summary>
/// Two silos whose Orleans messages may carry at most 256 KiB and whose buckets move in pieces of
/// 16 KiB: a bucket of 640 KiB is larger than one message, as a bucket of gigabytes would be with
/// Orleans' default limit of 100 MB.
/// </summary>
public class SmallMessagesClusterFixture : ClusterFixture
{
    public const int MessageLimit = 256 * 1024;
    public const int ChunkBytes = 16 * 1024;
    public const int Entries = 40;
    public const int ValueBytes = 16 * 1024;

    protected override short Silos => 2;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Buckets:Grain:TransferChunkBytes"] = ChunkBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A cache bucket (nothing of it is in the backup, so only a hand-over can keep it) larger than one message.</summary>
    public async Task<(IBucketGrain Bucket, Dictionary<string, string> Entries)> LargeCacheBucketAsync(string prefix)
    {
        var bucket = Grains.GetGrain<IBucketGrain>(prefix + "-" + Guid.NewGuid().ToString("N"));
        await bucket.SetPolicyAsync(new BucketPolicy(Durability.Cache, null));
        var entries = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < Entries; i++)
        {
            var value = new string((char)('a' + (i % 26)), ValueBytes - 8) + i.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            entries[$"k{i:D3}"] = value;
            Assert.True((await bucket.SetAsync(new SetCommand($"k{i:D3}", Encoding.UTF8.GetBytes(value)))).Succeeded);
        }

        return (bucket, entries);
    }

    public async Task<SiloAddress> HostOfAsync(IBucketGrain bucket)
    {
        var stats = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var key = bucket.GetPrimaryKeyString();
        return Assert.Single(stats, s => s.GrainId.Key.ToString() == key).SiloAddress;
    }

    protected override void ConfigureSilo(ISiloBuilder silo) =>
        silo.Configure<SiloMessagingOptions>(o => o.MaxMessageBodySize = MessageLimit);

    protected override void ConfigureClient(IClientBuilder client) =>
        client.Configure<ClientMessagingOptions>(o => o.MaxMessageBodySize = MessageLimit);
}

/// <summary>
/// On a cluster of its own: after Orleans refuses an oversized message, later calls over the same
/// client connection were seen to time out (30 s), which would fail whichever test ran next.
/// </summary>
public sealed class OversizedMessageTests(SmallMessagesClusterFixture fixture) : IClassFixture<SmallMessagesClusterFixture>
{
    [Fact]
    public async Task OneMessageLargerThanTheLimitIsRefusedInThisCluster()
    {
        var bucket = fixture.Grains.GetGrain<IBucketGrain>("oversized-" + Guid.NewGuid().ToString("N"));

        await Assert.ThrowsAnyAsync<Exception>(async () => await bucket.SetAsync(new SetCommand("k", new byte[SmallMessagesClusterFixture.MessageLimit + 1024])));
    }
}

public sealed class LargeBucketTransferTests(SmallMessagesClusterFixture fixture) : IClassFixture<SmallMessagesClusterFixture>
{
    [Fact]
    public async Task ABucketLargerThanOneMessageExportsInBoundedPiecesAsOneConsistentSnapshot()
    {
        var (bucket, entries) = await fixture.LargeCacheBucketAsync("export-large");
        var pieces = new List<byte[]>();
        await using (var export = bucket.ExportAsync().WithBatchSize(1).GetAsyncEnumerator(TestContext.Current.CancellationToken))
        {
            Assert.True(await export.MoveNextAsync());
            pieces.Add(export.Current);

            // Writes made while the export streams are not part of it: it is the state when it began.
            Assert.True((await bucket.SetAsync(new SetCommand("k000", "changed"u8.ToArray()))).Succeeded);
            Assert.True((await bucket.SetAsync(new SetCommand("late", "new"u8.ToArray()))).Succeeded);
            Assert.True((await bucket.DeleteAsync("k001", null)).Succeeded);
            while (await export.MoveNextAsync())
            {
                pieces.Add(export.Current);
            }
        }

        var total = pieces.Sum(p => p.Length);
        Assert.True(total > SmallMessagesClusterFixture.MessageLimit, $"the export is {total} bytes, not larger than one message");
        Assert.True(pieces.Count > total / (2 * SmallMessagesClusterFixture.ChunkBytes), $"{pieces.Count} pieces for {total} bytes");
        // A piece closes once it reaches the chunk size, so it exceeds it by less than one entry's line.
        Assert.All(pieces, p => Assert.InRange(p.Length, 1, SmallMessagesClusterFixture.ChunkBytes + SmallMessagesClusterFixture.ValueBytes + 1024));

        var replayed = Replay(pieces);
        Assert.Equal(entries.Count, replayed.Count);
        Assert.All(entries, e => Assert.Equal(e.Value, replayed[e.Key]));
    }

    [Fact]
    public async Task ABucketLargerThanOneMessageMigratesWithItsWholeState()
    {
        var (bucket, entries) = await fixture.LargeCacheBucketAsync("migrate-large");
        var from = await fixture.HostOfAsync(bucket);
        var to = fixture.Cluster.Silos.Select(s => s.SiloAddress).First(s => !s.Equals(from));

        await fixture.Cluster.MigrateAsync(bucket, to);

        Assert.Equal(to, await fixture.HostOfAsync(bucket));
        var stats = await bucket.GetStatsAsync();
        Assert.Equal(entries.Count, stats.Entries);
        foreach (var (key, value) in entries)
        {
            var read = await bucket.GetAsync(key);
            Assert.True(read is not null, $"entry {key} was lost in the move from {from} to {to}");
            Assert.Equal(value, Encoding.UTF8.GetString(read.Value));
        }
    }

    internal static Dictionary<string, string> Replay(IReadOnlyList<byte[]> pieces)
    {
        using var stream = new MemoryStream(pieces.SelectMany(p => p).ToArray());
        var result = BucketReplayer.Replay([("export", stream)], new ReplayOptions(DateTimeOffset.UtcNow));
        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Empty(result.TornTails);
        return result.State.Entries.ToDictionary(e => e.Key, e => Encoding.UTF8.GetString(e.Value.Value), StringComparer.Ordinal);
    }
}

/// <summary>Each test gets its own two-silo cluster: it stops one.</summary>
public sealed class LargeBucketGracefulStopTests : IAsyncLifetime
{
    private readonly SmallMessagesClusterFixture _fixture = new();

    public ValueTask InitializeAsync() => _fixture.InitializeAsync();

    public ValueTask DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task ACacheBucketLargerThanOneMessageKeepsItsStateWhenItsSiloStopsGracefully()
    {
        var primary = _fixture.Cluster.Silos[0].SiloAddress;
        (IBucketGrain Bucket, Dictionary<string, string> Entries)? onSecondary = null;
        for (var attempt = 0; attempt < 20 && onSecondary is null; attempt++)
        {
            var candidate = await _fixture.LargeCacheBucketAsync("stop-large");
            if (!(await _fixture.HostOfAsync(candidate.Bucket)).Equals(primary))
            {
                onSecondary = candidate;
            }
        }

        Assert.True(onSecondary is not null, "no bucket was placed on the second silo in 20 tries");
        var (bucket, entries) = onSecondary.Value;

        await _fixture.Cluster.StopSiloAsync(_fixture.Cluster.Silos[1]);

        Assert.Equal(entries.Count, (await bucket.GetStatsAsync()).Entries);
        foreach (var (key, value) in entries)
        {
            var read = await bucket.GetAsync(key);
            Assert.True(read is not null, $"entry {key} of a cache bucket was lost in a graceful stop");
            Assert.Equal(value, Encoding.UTF8.GetString(read.Value));
        }
    }
}
