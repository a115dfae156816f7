using System.Diagnostics;
using Buckets.Cluster.Tests.Infrastructure;
using Npgsql;

[assembly: AssemblyFixture(typeof(PostgresFixture))]

namespace Buckets.Cluster.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server every test in this assembly uses: <c>BUCKETS_TEST_POSTGRES</c> when set
/// (CI runs <c>scripts/postgres.sh start</c> and exports it), otherwise a throwaway server started
/// here with that same script. No test is ever skipped for lack of a database: if none can be
/// reached or started, the fixture fails and says why. Each test gets its own database.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string EnvironmentVariable = "BUCKETS_TEST_POSTGRES";

    private readonly List<string> _databases = [];
    private readonly Lock _gate = new();
    private string? _startedBy;

    /// <summary>Connection string of the server's maintenance database.</summary>
    public string ServerConnectionString { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        string source;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            ServerConnectionString = configured.Trim();
            source = $"{EnvironmentVariable}={PostgresSchema.Redact(ServerConnectionString)}";
        }
        else
        {
            var script = Path.Combine(RepoRoot(), "scripts", "postgres.sh");
            var alreadyRunning = (await RunAsync(script, "url")).ExitCode == 0;
            var start = await RunAsync(script, "start");
            if (start.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"Buckets.Cluster.Tests need PostgreSQL. Neither {EnvironmentVariable} is set nor could '{script} start' start one " +
                    $"(exit {start.ExitCode}).\nstdout:\n{start.Output}\nstderr:\n{start.Error}");
            }

            ServerConnectionString = start.Output.Trim().Split('\n')[^1].Trim();
            _startedBy = alreadyRunning ? null : script;
            source = $"'{script} start' -> {ServerConnectionString}";
        }

        try
        {
            await using var connection = new NpgsqlConnection(ServerConnectionString);
            await connection.OpenAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or ArgumentException or TimeoutException)
        {
            throw new InvalidOperationException($"Buckets.Cluster.Tests cannot connect to PostgreSQL ({source}): {ex.Message}", ex);
        }
    }

    /// <summary>Creates an empty database with a unique name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"buckets_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        lock (_gate)
        {
            _databases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_databases.Count > 0)
        {
            await using var connection = new NpgsqlConnection(ServerConnectionString);
            await connection.OpenAsync();
            foreach (var name in _databases)
            {
                await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await command.ExecuteNonQueryAsync();
            }
        }

        if (_startedBy is not null)
        {
            await RunAsync(_startedBy, "stop");
        }
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Buckets.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Buckets.sln not found above {AppContext.BaseDirectory}; cannot locate scripts/postgres.sh.");
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string script, string verb)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(verb);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not run bash {script} {verb}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // apt-get may install PostgreSQL on a fresh machine; that takes a while but not forever.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, await output, $"timed out after 5 minutes\n{await error}");
        }

        return (process.ExitCode, await output, await error);
    }
}
