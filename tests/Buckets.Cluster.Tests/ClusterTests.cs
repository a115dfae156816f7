using Buckets.Cluster.Tests.Grains;
using Buckets.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Storage;

namespace Buckets.Cluster.Tests;

/// <summary>Real silos (two per cluster) whose membership and bucket metadata live in PostgreSQL.</summary>
public sealed class ClusterTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task TwoSilosFormAClusterThatPostgresAndOrleansBothSee()
    {
        var (cs, cluster) = await NewClusterAsync();
        await using var first = await TestSilo.StartAsync(cs, cluster);
        await using var second = await TestSilo.StartAsync(cs, cluster);

        await WaitForActiveAsync(cs, cluster, [first, second]);
        await Poll.UntilAsync(
            async () => (await first.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count == 2,
            Deadline,
            async () => $"IManagementGrain.GetHosts sees 2 active silos; it sees {(await first.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true)).Count}");

        // A client finds the silos through GatewaysQueryKey and reaches a grain on one of them.
        using var client = await StartClientAsync(cs, cluster);
        var grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<IMetadataTestGrain>($"via-client-{Guid.NewGuid():N}");
        await grain.SetAsync("hello");
        Assert.Equal("hello", await grain.GetAsync());
        await client.StopAsync(TestContext.Current.CancellationToken);

        // Graceful shutdown is recorded too: the stopped silo's row turns Dead (6).
        await second.StopAsync();
        await Poll.UntilAsync(
            async () => (await Db.MembersAsync(cs, cluster)).Contains((second.SiloPort, (int)SiloStatus.Dead)),
            Deadline,
            async () => $"silo {second.SiloPort} Dead; rows: {string.Join(", ", await Db.MembersAsync(cs, cluster))}");
    }

    [Fact]
    public async Task BucketMetadataSurvivesAFullClusterRestart()
    {
        var (cs, cluster) = await NewClusterAsync();
        var key = $"bucket-{Guid.NewGuid():N}";
        string? etagBefore;
        await using (var first = await TestSilo.StartAsync(cs, cluster))
        await using (var second = await TestSilo.StartAsync(cs, cluster))
        {
            await WaitForActiveAsync(cs, cluster, [first, second]);
            var grain = first.Grains.GetGrain<IMetadataTestGrain>(key);
            await grain.SetAsync("v1");
            await grain.SetAsync("v2");
            etagBefore = await grain.GetETagAsync();
            await Task.WhenAll(first.StopAsync(), second.StopAsync());
        }

        var rows = await Db.RowsAsync(cs, "SELECT grain_id_ext, version FROM buckets_grain_state WHERE service_id = @s", r => (r.GetString(0), r.GetInt32(1)), ("s", TestSilo.ServiceId));
        Assert.Contains((key, 2), rows);
        Assert.Equal("2", etagBefore);

        // New silos, new ports, same database: nothing of the old cluster is in memory any more.
        await using var third = await TestSilo.StartAsync(cs, cluster);
        await using var fourth = await TestSilo.StartAsync(cs, cluster);
        await WaitForActiveAsync(cs, cluster, [third, fourth]);
        var again = fourth.Grains.GetGrain<IMetadataTestGrain>(key);

        Assert.Equal("v2", await again.GetAsync());
        Assert.Equal(etagBefore, await again.GetETagAsync());
        await again.SetAsync("v3");
        Assert.Equal("3", await again.GetETagAsync());
    }

    [Fact]
    public async Task AWriteWithAStaleETagRaisesInconsistentStateException()
    {
        var (cs, cluster) = await NewClusterAsync();
        await using var silo = await TestSilo.StartAsync(cs, cluster);
        var storage = silo.Host.Services.GetRequiredKeyedService<IGrainStorage>(PostgresClusterDefaults.MetadataStorageName);
        var grainId = GrainId.Create("metadatatest", $"stale-{Guid.NewGuid():N}");
        const string GrainType = "Buckets.Cluster.Tests.Grains.MetadataTestGrain";

        var writer = new GrainState<MetadataTestState>(new MetadataTestState { Value = "first" });
        await storage.WriteStateAsync(GrainType, grainId, writer);
        Assert.Equal("1", writer.ETag);
        var reader1 = new GrainState<MetadataTestState>();
        var reader2 = new GrainState<MetadataTestState>();
        await storage.ReadStateAsync(GrainType, grainId, reader1);
        await storage.ReadStateAsync(GrainType, grainId, reader2);
        Assert.Equal("first", reader1.State!.Value);
        Assert.Equal("1", reader1.ETag);

        // Two writers holding the same ETag race: exactly one wins, the other is told it is stale.
        reader1.State!.Value = "from reader 1";
        reader2.State!.Value = "from reader 2";
        var outcomes = await Task.WhenAll(
            Outcome(storage.WriteStateAsync(GrainType, grainId, reader1)),
            Outcome(storage.WriteStateAsync(GrainType, grainId, reader2)));
        Assert.Single(outcomes, o => o is null);
        Assert.IsType<InconsistentStateException>(Assert.Single(outcomes, o => o is not null));

        // The first writer's ETag is stale now too, and so is "no ETag" (it claims there is no record).
        writer.State!.Value = "stale";
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(GrainType, grainId, writer));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(GrainType, grainId, new GrainState<MetadataTestState>(new MetadataTestState())));

        var current = new GrainState<MetadataTestState>();
        await storage.ReadStateAsync(GrainType, grainId, current);
        Assert.Equal("2", current.ETag);
        Assert.StartsWith("from reader ", current.State!.Value, StringComparison.Ordinal);

        // Clearing needs the current ETag too, and (DeleteStateOnClear) removes the row.
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync(GrainType, grainId, writer));
        await storage.ClearStateAsync(GrainType, grainId, current);
        Assert.False(current.RecordExists);
        var afterClear = new GrainState<MetadataTestState>();
        await storage.ReadStateAsync(GrainType, grainId, afterClear);
        Assert.False(afterClear.RecordExists);
        Assert.Null(afterClear.ETag);
        Assert.Empty(await Db.RowsAsync(cs, "SELECT 1 FROM buckets_grain_state WHERE grain_id_ext = @k", r => r.GetInt32(0), ("k", grainId.Key.ToString()!)));

        // After the delete a fresh write starts again at version 1.
        await storage.WriteStateAsync(GrainType, grainId, afterClear);
        Assert.Equal("1", afterClear.ETag);
    }

    [Fact]
    public async Task AGrainClearRemovesItsMetadataRow()
    {
        var (cs, cluster) = await NewClusterAsync();
        await using var silo = await TestSilo.StartAsync(cs, cluster);
        var key = $"erase-{Guid.NewGuid():N}";
        var grain = silo.Grains.GetGrain<IMetadataTestGrain>(key);
        await grain.SetAsync("to be erased");

        await grain.ClearAsync();

        Assert.Null(await grain.GetAsync());
        Assert.Empty(await Db.RowsAsync(cs, "SELECT 1 FROM buckets_grain_state WHERE grain_id_ext = @k", r => r.GetInt32(0), ("k", key)));
        await grain.SetAsync("again");
        Assert.Equal("1", await grain.GetETagAsync());
    }

    private async Task<(string ConnectionString, string ClusterId)> NewClusterAsync()
    {
        var cs = await postgres.CreateDatabaseAsync();
        await PostgresSchema.ApplyAsync(cs, TestContext.Current.CancellationToken);
        return (cs, $"cluster-{Guid.NewGuid():N}");
    }

    private static Task WaitForActiveAsync(string cs, string cluster, TestSilo[] silos) =>
        Poll.UntilAsync(
            async () =>
            {
                var rows = await Db.MembersAsync(cs, cluster);
                return silos.All(s => rows.Contains((s.SiloPort, (int)SiloStatus.Active)));
            },
            Deadline,
            async () => $"silos {string.Join(", ", silos.Select(s => s.SiloPort))} Active in buckets_membership; rows: " +
                $"{string.Join(", ", await Db.MembersAsync(cs, cluster))}\n{string.Join("\n", silos.Select(s => s.Logs))}");

    private static async Task<IHost> StartClientAsync(string cs, string cluster)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster;
                options.ServiceId = TestSilo.ServiceId;
            });
            client.UseAdoNetClustering(options =>
            {
                options.Invariant = PostgresClusterDefaults.Invariant;
                options.ConnectionString = cs;
            });
        });
        var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);
        return host;
    }

    private static async Task<Exception?> Outcome(Task write)
    {
        try
        {
            await write;
            return null;
        }
        catch (InconsistentStateException ex)
        {
            return ex;
        }
    }
}
