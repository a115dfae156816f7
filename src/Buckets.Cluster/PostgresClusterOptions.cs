using System.ComponentModel.DataAnnotations;

namespace Buckets.Cluster;

/// <summary>PostgreSQL settings of the Cluster profile. Bound from <c>Buckets:Cluster</c>.</summary>
public sealed class PostgresClusterOptions
{
    public const string SectionName = "Buckets:Cluster";

    /// <summary>
    /// Npgsql connection string of the database holding membership and bucket metadata,
    /// e.g. <c>Host=db;Port=5432;Username=buckets;Password=...;Database=buckets</c>. Required in the
    /// Cluster profile; every silo of one cluster must use the same database.
    /// </summary>
    [Required(ErrorMessage = "Buckets:Cluster:PostgresConnectionString is required in the Cluster profile.")]
    public string PostgresConnectionString { get; set; } = "";

    /// <summary>
    /// When true a silo creates or upgrades the schema at start-up (idempotent, serialised between
    /// silos by an advisory lock). Default false: the schema is applied once with
    /// <c>buckets db init</c>, and a silo that finds it incomplete refuses to start.
    /// </summary>
    public bool ApplySchemaOnStart { get; set; }
}
