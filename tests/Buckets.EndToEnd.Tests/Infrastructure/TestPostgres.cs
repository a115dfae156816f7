using System.Diagnostics;
using Buckets.Cluster;
using Npgsql;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// PostgreSQL for cluster tests: <c>BUCKETS_TEST_POSTGRES</c> when set, else a throwaway server started
/// by <c>scripts/postgres.sh</c>. Never skips: no PostgreSQL is a test failure.
/// </summary>
public static class TestPostgres
{
    private static readonly Lazy<string> Server = new(FindOrStart);

    /// <summary>Creates a fresh database with the Buckets schema and returns its connection string.</summary>
    public static async Task<string> NewDatabaseAsync()
    {
        var name = "e2e_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(Server.Value))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(Server.Value) { Database = name }.ConnectionString;
        await PostgresSchema.ApplyAsync(connectionString, CancellationToken.None);
        return connectionString;
    }

    private static string FindOrStart()
    {
        if (Environment.GetEnvironmentVariable("BUCKETS_TEST_POSTGRES") is { Length: > 0 } given)
        {
            return given;
        }

        var info = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "scripts", "postgres.sh"), "start"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (process.ExitCode != 0 || lines.Length == 0)
        {
            throw new InvalidOperationException($"PostgreSQL could not be started (scripts/postgres.sh start exited {process.ExitCode}):\n{output}\n{errors}");
        }

        return lines[^1].Trim();
    }
}
