using Buckets.Cluster.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Buckets.Cluster.Tests;

public sealed class StartupCheckTests(PostgresFixture postgres)
{
    [Fact]
    public async Task SiloRefusesToStartOnAnEmptyDatabaseNamingWhatIsMissingAndTheFix()
    {
        var cs = await postgres.CreateDatabaseAsync();
        await using var silo = TestSilo.Create(cs, $"check-{Guid.NewGuid():N}");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => silo.Host.StartAsync());

        var message = Flatten(ex);
        Assert.Contains("buckets db init --connection", message, StringComparison.Ordinal);
        foreach (var table in PostgresSchema.Tables)
        {
            Assert.Contains($"table {table}", message, StringComparison.Ordinal);
        }

        Assert.Contains("query key InsertMembershipKey", message, StringComparison.Ordinal);
        // The check ran before Orleans touched membership: nothing was created behind its back.
        Assert.Equal(PostgresSchema.Tables.Count, (await PostgresSchema.FindMissingAsync(cs, TestContext.Current.CancellationToken)).Count(m => m.StartsWith("table ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SiloRefusesToStartWhenOneQueryIsMissing()
    {
        var cs = await postgres.CreateDatabaseAsync();
        await PostgresSchema.ApplyAsync(cs, TestContext.Current.CancellationToken);
        await Db.ExecuteAsync(cs, "DELETE FROM orleansquery WHERE querykey = 'ReadFromStorageKey'");
        await using var silo = TestSilo.Create(cs, $"check-{Guid.NewGuid():N}");

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => silo.Host.StartAsync());

        var message = Flatten(ex);
        Assert.Contains("missing: query key ReadFromStorageKey.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("table ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiloWithApplySchemaOnStartCreatesTheSchemaAndJoins()
    {
        var cs = await postgres.CreateDatabaseAsync();
        var cluster = $"apply-{Guid.NewGuid():N}";

        await using var silo = await TestSilo.StartAsync(cs, cluster, applySchemaOnStart: true);

        Assert.Empty(await PostgresSchema.FindMissingAsync(cs, TestContext.Current.CancellationToken));
        await Poll.UntilAsync(
            async () => (await Db.MembersAsync(cs, cluster)).Any(m => m.Port == silo.SiloPort && m.Status == (int)SiloStatus.Active),
            TimeSpan.FromSeconds(60),
            async () => $"silo {silo.SiloPort} Active in buckets_membership; rows: {string.Join(", ", await Db.MembersAsync(cs, cluster))}\n{silo.Logs}");
    }

    [Fact]
    public async Task AMissingConnectionStringFailsOptionsValidationAtStart()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Buckets:Cluster:ApplySchemaOnStart"] = "true" });
        builder.Services.AddBucketsPostgresChecks();
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Buckets:Cluster:PostgresConnectionString is required", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseBucketsPostgresRejectsAnEmptyConnectionString()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        var ex = Assert.Throws<ArgumentException>(() => builder.UseOrleans(silo => silo.UseBucketsPostgres(" ")));

        Assert.Contains("PostgresConnectionString", ex.Message, StringComparison.Ordinal);
    }

    private static string Flatten(Exception ex)
    {
        var parts = new List<string>();
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            parts.Add(e.Message);
        }

        return string.Join(" | ", parts);
    }
}
