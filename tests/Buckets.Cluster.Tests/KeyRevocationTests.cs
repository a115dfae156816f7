using System.Diagnostics;
using System.Security.Cryptography;
using Buckets.Cluster.Tests.Infrastructure;
using Buckets.Core.Security;

namespace Buckets.Cluster.Tests;

/// <summary>
/// Revocations in the Cluster profile's PostgreSQL: two silos, each with its own store connection,
/// revocation list and refresh loop on one database and checking keys as the silo's ApiKeyValidator
/// does (signature, then revocation), both refuse a key revoked through one of them
/// within the refresh interval (plus one read), and both accept the key minted afterwards.
/// </summary>
public sealed class KeyRevocationTests(PostgresFixture postgres)
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    // One read of a local database is milliseconds; a second of slack absorbs a busy test machine.
    private static readonly TimeSpan Bound = RefreshInterval + TimeSpan.FromSeconds(1);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BothSilosRefuseARevokedKeyWithinTheBoundAndAcceptItsReissue()
    {
        var cs = await postgres.CreateDatabaseAsync();
        await PostgresSchema.ApplyAsync(cs, Ct);
        var authority = new ApiKeyAuthority([new SigningKey("0", RandomNumberGenerator.GetBytes(32))], "0");
        var siloA = new Silo(authority, cs, RefreshInterval);
        var siloB = new Silo(authority, cs, RefreshInterval);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var loops = new[] { siloA.Start(stop.Token), siloB.Start(stop.Token) };
        try
        {
            var key = authority.Mint("tenant-a", await siloA.Store.FirstValidSerialAsync("tenant-a", Ct));
            var bystander = authority.Mint("tenant-b", serial: 0);
            await Poll.UntilAsync(() => Task.FromResult(siloA.Accepts(key) && siloB.Accepts(key)), TimeSpan.FromSeconds(10), () => Task.FromResult("both silos to read the (empty) revocations"));

            // Revoked through silo A's store without telling A's list: both learn it from PostgreSQL.
            var clock = Stopwatch.StartNew();
            var revocation = await siloA.Store.RevokeAsync("tenant-a", Ct);
            await Poll.UntilAsync(
                () => Task.FromResult(!siloA.Accepts(key) && !siloB.Accepts(key)),
                TimeSpan.FromSeconds(10),
                () => Task.FromResult($"silo A accepts: {siloA.Accepts(key)}, silo B accepts: {siloB.Accepts(key)}"));
            var elapsed = clock.Elapsed;

            Assert.True(elapsed <= Bound, $"the revoked key was refused by both silos only after {elapsed} (bound {Bound})");
            Assert.Equal(1, revocation.FirstValidSerial);
            var reissued = authority.Mint("tenant-a", await siloB.Store.FirstValidSerialAsync("tenant-a", Ct));
            Assert.True(siloA.Accepts(reissued) && siloB.Accepts(reissued), "the key minted after the revocation must work on both silos");
            Assert.True(siloA.Accepts(bystander) && siloB.Accepts(bystander), "another bucket's key must keep working");
            Assert.Empty(siloA.Failures.Concat(siloB.Failures));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        }
    }

    [Fact]
    public async Task ConcurrentRevocationsGetDistinctIncreasingChangesAndEachRaisesTheSerial()
    {
        var cs = await postgres.CreateDatabaseAsync();
        await PostgresSchema.ApplyAsync(cs, Ct);
        var store = new PostgresRevocationStore(cs);

        var revocations = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => store.RevokeAsync(i % 2 == 0 ? "even" : "odd", Ct)));

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), revocations.Select(r => r.Change).Order());
        Assert.Equal(10, await store.FirstValidSerialAsync("even", Ct));
        Assert.Equal(10, await store.FirstValidSerialAsync("odd", Ct));
        var all = await store.ReadSinceAsync(0, Ct);
        Assert.Equal(["even", "odd"], all.Revocations.Select(r => r.BucketId).Order());
        Assert.Equal(20, all.LastChange);
        Assert.Empty((await store.ReadSinceAsync(all.LastChange, Ct)).Revocations);
    }

    /// <summary>What one silo holds: its own store connections and revocation list.</summary>
    private sealed class Silo
    {
        private readonly ApiKeyAuthority _authority;
        private readonly RevocationList _revocations;
        private readonly TimeSpan _interval;

        public Silo(ApiKeyAuthority authority, string connectionString, TimeSpan interval)
        {
            _authority = authority;
            _interval = interval;
            _revocations = new RevocationList(new PostgresRevocationStore(connectionString), TimeProvider.System, interval * 20);
            Store = new PostgresRevocationStore(connectionString);
        }

        public PostgresRevocationStore Store { get; }

        public List<Exception> Failures { get; } = [];

        public Task Start(CancellationToken stop) => _revocations.RunAsync(_interval, Failures.Add, stop);

        public bool Accepts(string key) => _authority.TryValidate(key, out var claims) && _revocations.Allows(claims.BucketId, claims.Serial);
    }
}
