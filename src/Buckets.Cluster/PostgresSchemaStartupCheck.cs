using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Buckets.Cluster;

/// <summary>
/// Runs before Orleans touches the membership table: applies the schema when
/// <see cref="PostgresClusterOptions.ApplySchemaOnStart"/> is set, otherwise refuses to start a
/// silo whose database lacks a table or query, naming what is missing and the command that fixes
/// it. Without this a missing schema surfaces as an Npgsql error deep inside Orleans' start-up.
/// </summary>
public sealed class PostgresSchemaStartupCheck(IOptions<PostgresClusterOptions> options, ILogger<PostgresSchemaStartupCheck> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Just before <see cref="ServiceLifecycleStage.RuntimeInitialize"/>, where membership starts.</summary>
    public const int Stage = ServiceLifecycleStage.RuntimeInitialize - 1;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(PostgresSchemaStartupCheck), Stage, CheckAsync);
    }

    /// <summary>Applies or verifies the schema; throws <see cref="InvalidOperationException"/> when it is incomplete.</summary>
    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        var connectionString = options.Value.PostgresConnectionString;
        var database = PostgresSchema.Redact(connectionString);
        try
        {
            if (options.Value.ApplySchemaOnStart)
            {
                await PostgresSchema.ApplyAsync(connectionString, cancellationToken);
                ClusterLog.SchemaApplied(logger, PostgresSchema.Version, database);
                return;
            }

            var missing = await PostgresSchema.FindMissingAsync(connectionString, cancellationToken);
            if (missing.Count == 0)
            {
                ClusterLog.SchemaComplete(logger, database);
                return;
            }

            var list = string.Join(", ", missing);
            ClusterLog.SchemaIncomplete(logger, database, list);
            throw new InvalidOperationException(
                $"The Buckets PostgreSQL schema in {database} is incomplete; missing: {list}. " +
                $"Create or upgrade it with: buckets db init --connection \"{database}\" " +
                $"(or set {PostgresClusterOptions.SectionName}:{nameof(PostgresClusterOptions.ApplySchemaOnStart)}=true).");
        }
        catch (NpgsqlException ex)
        {
            throw new InvalidOperationException($"Cannot check the Buckets PostgreSQL schema in {database}: {ex.Message}", ex);
        }
    }
}
