using System.Net;
using Buckets.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;

namespace Buckets.Cluster.Tests;

/// <summary>
/// Drives Orleans' own ADO.NET membership table against our SQL, one protocol step at a time:
/// the table version as optimistic-concurrency token, row ETags, heartbeats, suspicions,
/// clean-up of dead silos. No silo runs, so nothing here depends on timing.
/// </summary>
public sealed class MembershipContractTests(PostgresFixture postgres)
{
    private static readonly DateTime Now = DateTime.UtcNow;

    [Fact]
    public async Task InitialiseCreatesVersionZeroOnceAndReadAllShowsNoSilos()
    {
        var (table, _, cs, cluster) = await CreateTableAsync();

        await table.InitializeMembershipTableAsync(true);
        await table.InitializeMembershipTableAsync(true);

        var data = await table.ReadAllAsync();
        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.Equal("0", data.Version.VersionEtag);
        Assert.Equal([0], await Db.RowsAsync(cs, "SELECT version FROM buckets_membership_version WHERE deployment_id = @c", r => r.GetInt32(0), ("c", cluster)));
    }

    [Fact]
    public async Task InsertNeedsTheCurrentVersionAndRoundTripsEveryField()
    {
        var (table, _, _, _) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(true);
        var v0 = (await table.ReadAllAsync()).Version;
        var entry = Entry(11111, SiloStatus.Joining);

        Assert.True(await table.InsertRowAsync(entry, v0.Next()));
        Assert.False(await table.InsertRowAsync(Entry(11112, SiloStatus.Joining), v0.Next()));  // stale version
        var v1 = (await table.ReadAllAsync()).Version;
        Assert.False(await table.InsertRowAsync(entry, v1.Next()));  // already there

        var data = await table.ReadAllAsync();
        Assert.Equal(1, data.Version.Version);
        var (read, etag) = Assert.Single(data.Members);
        Assert.Equal("1", etag);
        Assert.Equal(entry.SiloAddress, read.SiloAddress);
        Assert.Equal(entry.SiloName, read.SiloName);
        Assert.Equal(entry.HostName, read.HostName);
        Assert.Equal(SiloStatus.Joining, read.Status);
        Assert.Equal(entry.ProxyPort, read.ProxyPort);
        AssertClose(entry.StartTime, read.StartTime);
        AssertClose(entry.IAmAliveTime, read.IAmAliveTime);
    }

    [Fact]
    public async Task ConcurrentInsertsWithTheSameVersionLetExactlyOneWin()
    {
        var (table, _, _, _) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(true);
        var v0 = (await table.ReadAllAsync()).Version;

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => table.InsertRowAsync(Entry(20000 + i, SiloStatus.Joining), v0.Next())));

        Assert.Single(results, r => r);
        var data = await table.ReadAllAsync();
        Assert.Single(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task UpdateNeedsTheCurrentEtagAndStoresStatusAndSuspicions()
    {
        var (table, _, _, _) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(true);
        var entry = Entry(11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        var before = await table.ReadRowAsync(entry.SiloAddress);
        var (_, etag) = Assert.Single(before.Members);

        var suspecter = SiloAddress.New(IPAddress.Loopback, 11112, 7);
        entry.Status = SiloStatus.Active;
        entry.SuspectTimes = [Tuple.Create(suspecter, Now)];
        Assert.True(await table.UpdateRowAsync(entry, etag, before.Version.Next()));
        Assert.False(await table.UpdateRowAsync(entry, etag, before.Version.Next()));  // etag now stale

        var after = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(before.Version.Version + 1, after.Version.Version);
        var (read, _) = Assert.Single(after.Members);
        Assert.Equal(SiloStatus.Active, read.Status);
        Assert.NotNull(read.SuspectTimes);
        var (by, at) = Assert.Single(read.SuspectTimes);
        Assert.Equal(suspecter, by);
        AssertClose(Now, at);
    }

    [Fact]
    public async Task ReadRowOfAnUnknownSiloReturnsTheVersionAndNoEntry()
    {
        var (table, _, _, _) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(true);
        Assert.True(await table.InsertRowAsync(Entry(11111, SiloStatus.Active), (await table.ReadAllAsync()).Version.Next()));

        var data = await table.ReadRowAsync(SiloAddress.New(IPAddress.Loopback, 9, 9));

        Assert.Empty(data.Members);
        Assert.Equal(1, data.Version.Version);
    }

    [Fact]
    public async Task HeartbeatUpdatesIAmAliveWithoutChangingTheVersion()
    {
        var (table, _, _, _) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(true);
        var entry = Entry(11111, SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));

        entry.IAmAliveTime = Now.AddMinutes(3);
        await table.UpdateIAmAliveAsync(entry);

        var data = await table.ReadRowAsync(entry.SiloAddress);
        Assert.Equal(1, data.Version.Version);
        AssertClose(Now.AddMinutes(3), Assert.Single(data.Members).Item1.IAmAliveTime);
    }

    [Fact]
    public async Task CleanupRemovesOnlySilosDeadBeforeTheCutoff()
    {
        var (table, _, _, _) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(true);
        var longDead = Entry(1, SiloStatus.Dead, age: TimeSpan.FromHours(3));
        var recentlyDead = Entry(2, SiloStatus.Dead, age: TimeSpan.FromMinutes(1));
        var oldButAlive = Entry(3, SiloStatus.Active, age: TimeSpan.FromHours(3));
        foreach (var entry in new[] { longDead, recentlyDead, oldButAlive })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        await table.CleanupDefunctSiloEntriesAsync(DateTimeOffset.UtcNow.AddHours(-1));

        var left = (await table.ReadAllAsync()).Members.Select(m => m.Item1.SiloAddress.Endpoint.Port).Order();
        Assert.Equal([2, 3], left);
    }

    [Fact]
    public async Task GatewaysAreTheActiveSilosWithAGatewayPort()
    {
        var (table, gateways, _, _) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(true);
        foreach (var entry in new[] { Entry(1, SiloStatus.Active, proxyPort: 31001), Entry(2, SiloStatus.Joining, proxyPort: 31002), Entry(3, SiloStatus.Active, proxyPort: 0) })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync()).Version.Next()));
        }

        await gateways.InitializeGatewayListProviderAsync(TestContext.Current.CancellationToken);
        var uris = await gateways.GetGatewaysAsync(TestContext.Current.CancellationToken);

        var uri = Assert.Single(uris);
        Assert.Equal(31001, uri.Port);
    }

    [Fact]
    public async Task DeleteEntriesForgetsTheWholeCluster()
    {
        var (table, _, cs, cluster) = await CreateTableAsync();
        await table.InitializeMembershipTableAsync(true);
        Assert.True(await table.InsertRowAsync(Entry(1, SiloStatus.Active), (await table.ReadAllAsync()).Version.Next()));

        await table.DeleteMembershipTableEntriesAsync(cluster);

        Assert.Empty(await Db.MembersAsync(cs, cluster));
        Assert.Empty(await Db.RowsAsync(cs, "SELECT 1 FROM buckets_membership_version WHERE deployment_id = @c", r => r.GetInt32(0), ("c", cluster)));
    }

    private async Task<(AdoNetClusteringTable Table, AdoNetGatewayListProvider Gateways, string ConnectionString, string ClusterId)> CreateTableAsync()
    {
        var cs = await postgres.CreateDatabaseAsync();
        await PostgresSchema.ApplyAsync(cs, TestContext.Current.CancellationToken);
        var cluster = $"contract-{Guid.NewGuid():N}";
        var clusterOptions = Options.Create(new ClusterOptions { ClusterId = cluster, ServiceId = TestSilo.ServiceId });
        var services = new ServiceCollection().BuildServiceProvider();
        var table = new AdoNetClusteringTable(
            services,
            clusterOptions,
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = PostgresClusterDefaults.Invariant, ConnectionString = cs }),
            NullLogger<AdoNetClusteringTable>.Instance);
        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            services,
            Options.Create(new AdoNetClusteringClientOptions { Invariant = PostgresClusterDefaults.Invariant, ConnectionString = cs }),
            Options.Create(new GatewayOptions()),
            clusterOptions);
        return (table, gateways, cs, cluster);
    }

    private static MembershipEntry Entry(int port, SiloStatus status, TimeSpan age = default, int proxyPort = 30000) => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 42),
        SiloName = $"silo-{port}",
        HostName = "test-host",
        Status = status,
        ProxyPort = proxyPort,
        StartTime = Now - age,
        IAmAliveTime = Now - age,
    };

    // PostgreSQL keeps microseconds; .NET has 100 ns ticks.
    private static void AssertClose(DateTime expected, DateTime actual) =>
        Assert.True(Math.Abs((expected - actual).TotalMilliseconds) < 1, $"expected {expected:O}, got {actual:O}");
}
