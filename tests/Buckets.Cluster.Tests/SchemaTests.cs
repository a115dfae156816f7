using Buckets.Cluster.Tests.Infrastructure;

namespace Buckets.Cluster.Tests;

public sealed class SchemaTests(PostgresFixture postgres)
{
    [Fact]
    public async Task ApplyTwiceSucceedsAndLeavesEveryQueryRowAndTheSchemaVersion()
    {
        var cs = await postgres.CreateDatabaseAsync();

        await PostgresSchema.ApplyAsync(cs, TestContext.Current.CancellationToken);
        await PostgresSchema.ApplyAsync(cs, TestContext.Current.CancellationToken);

        Assert.Empty(await PostgresSchema.FindMissingAsync(cs, TestContext.Current.CancellationToken));
        var queries = await Db.RowsAsync(cs, "SELECT querykey, querytext FROM orleansquery", r => (Key: r.GetString(0), Text: r.GetString(1)));
        Assert.Equal(PostgresSchema.QueryKeys.Order(), queries.Select(q => q.Key).Order());
        Assert.All(queries, q => Assert.False(string.IsNullOrWhiteSpace(q.Text), $"query {q.Key} is empty"));
        var versions = await Db.RowsAsync(cs, "SELECT version FROM buckets_schema_version", r => r.GetInt32(0));
        Assert.Equal(Enumerable.Range(1, PostgresSchema.Version), versions.Order());
    }

    [Fact]
    public async Task FindMissingOnAnEmptyDatabaseNamesEveryTableAndEveryQueryKey()
    {
        var cs = await postgres.CreateDatabaseAsync();

        var missing = await PostgresSchema.FindMissingAsync(cs, TestContext.Current.CancellationToken);

        var expected = PostgresSchema.Tables.Select(t => $"table {t}").Concat(PostgresSchema.QueryKeys.Select(k => $"query key {k}"));
        Assert.Equal(expected, missing);
    }

    [Fact]
    public async Task FindMissingNamesADroppedTableADeletedQueryKeyAndAnEmptiedOne()
    {
        var cs = await postgres.CreateDatabaseAsync();
        await PostgresSchema.ApplyAsync(cs, TestContext.Current.CancellationToken);
        await Db.ExecuteAsync(cs, """
            DROP TABLE buckets_grain_state;
            DELETE FROM orleansquery WHERE querykey = 'GatewaysQueryKey';
            UPDATE orleansquery SET querytext = '  ' WHERE querykey = 'WriteToStorageKey';
            """);

        var missing = await PostgresSchema.FindMissingAsync(cs, TestContext.Current.CancellationToken);

        Assert.Equal(["table buckets_grain_state", "query key GatewaysQueryKey", "query key WriteToStorageKey (empty text)"], missing);
    }

    [Fact]
    public async Task FindMissingReportsAnOlderSchemaVersion()
    {
        var cs = await postgres.CreateDatabaseAsync();
        await PostgresSchema.ApplyAsync(cs, TestContext.Current.CancellationToken);
        await Db.ExecuteAsync(cs, "DELETE FROM buckets_schema_version");

        var missing = await PostgresSchema.FindMissingAsync(cs, TestContext.Current.CancellationToken);

        Assert.Equal([$"schema version {PostgresSchema.Version} (none recorded)"], missing);
    }

    [Fact]
    public async Task ApplyRestoresQueryTextsAndMissingTables()
    {
        var cs = await postgres.CreateDatabaseAsync();
        await PostgresSchema.ApplyAsync(cs, TestContext.Current.CancellationToken);
        var original = await Db.RowsAsync(cs, "SELECT querytext FROM orleansquery WHERE querykey = 'ReadFromStorageKey'", r => r.GetString(0));
        await Db.ExecuteAsync(cs, "UPDATE orleansquery SET querytext = 'SELECT 1' WHERE querykey = 'ReadFromStorageKey'; DROP TABLE buckets_membership;");

        await PostgresSchema.ApplyAsync(cs, TestContext.Current.CancellationToken);

        Assert.Equal(original, await Db.RowsAsync(cs, "SELECT querytext FROM orleansquery WHERE querykey = 'ReadFromStorageKey'", r => r.GetString(0)));
        Assert.Empty(await PostgresSchema.FindMissingAsync(cs, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ConcurrentAppliesOnAnEmptyDatabaseAllSucceed()
    {
        var cs = await postgres.CreateDatabaseAsync();

        // Without the advisory lock, concurrent CREATE TABLE IF NOT EXISTS can fail on pg_type's unique index.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => PostgresSchema.ApplyAsync(cs, TestContext.Current.CancellationToken)));

        Assert.Empty(await PostgresSchema.FindMissingAsync(cs, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void RedactHidesThePassword()
    {
        var redacted = PostgresSchema.Redact("Host=db;Username=buckets;Password=s3cret;Database=buckets");

        Assert.DoesNotContain("s3cret", redacted, StringComparison.Ordinal);
        Assert.Contains("Host=db", redacted, StringComparison.Ordinal);
    }
}
