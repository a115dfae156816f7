using System.CommandLine;
using Buckets.Cluster;
using Npgsql;

namespace Buckets.Cli.Commands;

/// <summary>
/// <c>buckets db init|check --connection CS</c>: creates or verifies the Cluster profile's
/// PostgreSQL schema (membership, bucket metadata and the Orleans query rows).
/// Exit codes: 0 done/complete, 1 schema incomplete, 2 database unreachable or SQL rejected.
/// </summary>
internal static class DbCommand
{
    public static Command Create()
    {
        return new Command("db", "Create or check the PostgreSQL schema of the Cluster profile") { Init(), Check() };
    }

    private static Option<string> Connection() => new("--connection")
    {
        Description = "Npgsql connection string, e.g. \"Host=127.0.0.1;Port=5432;Username=postgres;Database=buckets\"",
        Required = true,
    };

    private static Command Init()
    {
        var connection = Connection();
        var command = new Command("init", "Create the tables and write the Orleans queries (idempotent; also upgrades)") { connection };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var connectionString = parse.GetValue(connection)!;
            var target = PostgresSchema.Redact(connectionString);
            try
            {
                var before = await PostgresSchema.FindMissingAsync(connectionString, cancellationToken);
                await PostgresSchema.ApplyAsync(connectionString, cancellationToken);
                var after = await PostgresSchema.FindMissingAsync(connectionString, cancellationToken);

                Console.WriteLine($"Applied Buckets schema version {PostgresSchema.Version} to {target}");
                if (before.Count == 0)
                {
                    Console.WriteLine("  nothing was missing");
                }

                foreach (var item in before)
                {
                    Console.WriteLine($"  created {item}");
                }

                Console.WriteLine($"  wrote {PostgresSchema.QueryKeys.Count} query texts to OrleansQuery");
                if (after.Count > 0)
                {
                    // Only possible if something else changes the schema concurrently.
                    Console.Error.WriteLine($"error: still missing after init: {string.Join(", ", after)}");
                    return 1;
                }

                return 0;
            }
            catch (NpgsqlException ex)
            {
                Console.Error.WriteLine($"error: {target}: {ex.Message}");
                return 2;
            }
        });
        return command;
    }

    private static Command Check()
    {
        var connection = Connection();
        var command = new Command("check", "List missing tables and queries; exit 1 if anything is missing") { connection };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var connectionString = parse.GetValue(connection)!;
            var target = PostgresSchema.Redact(connectionString);
            try
            {
                var missing = await PostgresSchema.FindMissingAsync(connectionString, cancellationToken);
                if (missing.Count == 0)
                {
                    Console.WriteLine($"Buckets schema version {PostgresSchema.Version} is complete in {target}: {PostgresSchema.Tables.Count} tables, {PostgresSchema.QueryKeys.Count} queries");
                    return 0;
                }

                Console.WriteLine($"Buckets schema in {target} is incomplete:");
                foreach (var item in missing)
                {
                    Console.WriteLine($"  missing {item}");
                }

                Console.WriteLine($"Fix with: buckets db init --connection \"{target}\"");
                return 1;
            }
            catch (NpgsqlException ex)
            {
                Console.Error.WriteLine($"error: {target}: {ex.Message}");
                return 2;
            }
        });
        return command;
    }
}
