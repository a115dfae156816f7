namespace Buckets.Cluster;

/// <summary>Names shared by the Cluster profile's PostgreSQL wiring and the grains that use it.</summary>
public static class PostgresClusterDefaults
{
    /// <summary>
    /// The grain storage name for durable bucket metadata, for
    /// <c>[PersistentState("...", PostgresClusterDefaults.MetadataStorageName)]</c>.
    /// </summary>
    public const string MetadataStorageName = "bucket-metadata";

    /// <summary>The ADO.NET invariant name Orleans uses to load Npgsql.</summary>
    public const string Invariant = "Npgsql";
}
