using System.Reflection;
using Npgsql;

namespace Buckets.Cluster;

/// <summary>
/// Creates and checks the Cluster profile's own PostgreSQL schema: the membership, grain-state and
/// API-key revocation tables and the <c>OrleansQuery</c> rows the Orleans ADO.NET providers read their SQL from
/// (the packages ship none). The SQL lives in the embedded <c>Sql/*.sql</c> files.
/// </summary>
public static class PostgresSchema
{
    /// <summary>The schema version this build writes to <c>buckets_schema_version</c> and expects.</summary>
    public const int Version = 2;

    // Any fixed 64-bit value works; this one spells "Buckets" so it is recognisable in pg_locks.
    private const long AdvisoryLockKey = 0x004275636B657473;

    private const string ResourcePrefix = "Buckets.Cluster.Sql.";

    /// <summary>Every table the schema creates, in creation order.</summary>
    public static IReadOnlyList<string> Tables { get; } =
    [
        "buckets_schema_version",
        "orleansquery",
        "buckets_membership_version",
        "buckets_membership",
        "buckets_grain_state",
        "buckets_api_key_revocations",
    ];

    /// <summary>Every <c>OrleansQuery</c> key the clustering and persistence providers look up.</summary>
    public static IReadOnlyList<string> QueryKeys { get; } =
    [
        "UpdateIAmAlivetimeKey",
        "InsertMembershipVersionKey",
        "InsertMembershipKey",
        "UpdateMembershipKey",
        "MembershipReadRowKey",
        "MembershipReadAllKey",
        "DeleteMembershipTableEntriesKey",
        "GatewaysQueryKey",
        "CleanupDefunctSiloEntriesKey",
        "WriteToStorageKey",
        "ReadFromStorageKey",
        "ClearStorageKey",
        "DeleteStorageKey",
    ];

    /// <summary>
    /// Creates whatever is missing and replaces every query text, in one transaction. Safe to run
    /// again and from several silos at once: a transaction-scoped advisory lock serialises them,
    /// so two silos never race on <c>CREATE TABLE IF NOT EXISTS</c>.
    /// </summary>
    /// <exception cref="NpgsqlException">The database cannot be reached or rejected the SQL.</exception>
    public static async Task ApplyAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var script in ReadScripts())
        {
            await using var command = new NpgsqlCommand(script, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Names every missing table, every missing or empty query key and an outdated schema version,
    /// e.g. <c>table buckets_membership</c>, <c>query key GatewaysQueryKey</c>,
    /// <c>query key ClearStorageKey (empty text)</c>. Empty when the schema is complete.
    /// Tables are looked up through the connection's <c>search_path</c>, as the providers do.
    /// </summary>
    /// <exception cref="NpgsqlException">The database cannot be reached.</exception>
    public static async Task<IReadOnlyList<string>> FindMissingAsync(string connectionString, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        var missing = new List<string>();
        var missingTables = new HashSet<string>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(
            "SELECT name FROM unnest(@names) WITH ORDINALITY AS t(name, position) WHERE to_regclass(name) IS NULL ORDER BY position",
            connection))
        {
            command.Parameters.AddWithValue("names", Tables.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var table = reader.GetString(0);
                missingTables.Add(table);
                missing.Add($"table {table}");
            }
        }

        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!missingTables.Contains("orleansquery"))
        {
            await using var command = new NpgsqlCommand("SELECT querykey, querytext FROM orleansquery WHERE querykey = ANY(@keys)", connection);
            command.Parameters.AddWithValue("keys", QueryKeys.ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                texts[reader.GetString(0)] = reader.IsDBNull(1) ? "" : reader.GetString(1);
            }
        }

        foreach (var key in QueryKeys)
        {
            if (!texts.TryGetValue(key, out var text))
            {
                missing.Add($"query key {key}");
            }
            else if (string.IsNullOrWhiteSpace(text))
            {
                missing.Add($"query key {key} (empty text)");
            }
        }

        if (!missingTables.Contains("buckets_schema_version"))
        {
            await using var command = new NpgsqlCommand("SELECT max(version) FROM buckets_schema_version", connection);
            var found = await command.ExecuteScalarAsync(cancellationToken);
            if (found is not int version)
            {
                missing.Add($"schema version {Version} (none recorded)");
            }
            else if (version < Version)
            {
                missing.Add($"schema version {Version} (database has {version})");
            }
        }

        return missing;
    }

    /// <summary>
    /// The connection string with any password replaced by <c>&lt;password&gt;</c>, for messages
    /// and logs that must name the target database without leaking the secret.
    /// </summary>
    public static string Redact(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            if (!string.IsNullOrEmpty(builder.Password))
            {
                builder.Password = "<password>";
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            // Unparseable: say nothing about it rather than echo a secret.
            return "<invalid connection string>";
        }
    }

    /// <summary>The embedded scripts in the order they must run (by file name).</summary>
    public static IReadOnlyList<string> ReadScripts()
    {
        var assembly = typeof(PostgresSchema).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ResourcePrefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(name => Read(assembly, name))
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded SQL resource {name} is missing from {assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
