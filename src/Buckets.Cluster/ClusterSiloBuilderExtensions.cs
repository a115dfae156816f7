namespace Buckets.Cluster;

/// <summary>Silo wiring of the Cluster profile: membership and bucket metadata in PostgreSQL.</summary>
public static class ClusterSiloBuilderExtensions
{
    /// <summary>
    /// Uses PostgreSQL (through Npgsql) for Orleans membership and registers the
    /// <see cref="PostgresClusterDefaults.MetadataStorageName"/> grain storage in the same database.
    /// The schema must exist (<c>buckets db init</c>), or pair this with
    /// <see cref="ClusterServiceCollectionExtensions.AddBucketsPostgresChecks"/> and
    /// <see cref="PostgresClusterOptions.ApplySchemaOnStart"/>. Silos sharing a <c>ClusterId</c>
    /// form one cluster; grain state is keyed by <c>ServiceId</c>, so it outlives cluster ids.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is empty.</exception>
    public static ISiloBuilder UseBucketsPostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException(
                $"{PostgresClusterOptions.SectionName}:{nameof(PostgresClusterOptions.PostgresConnectionString)} is required in the Cluster profile.",
                nameof(connectionString));
        }

        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresClusterDefaults.Invariant;
            options.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage(PostgresClusterDefaults.MetadataStorageName, options =>
        {
            options.Invariant = PostgresClusterDefaults.Invariant;
            options.ConnectionString = connectionString;
            // Clearing a bucket's metadata (erase) deletes its row instead of leaving an empty one.
            options.DeleteStateOnClear = true;
        });
        return silo;
    }
}
