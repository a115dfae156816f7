namespace Buckets.Server.Hosting;

/// <summary>How a silo finds its peers and where durable metadata lives.</summary>
public enum HostingProfile
{
    /// <summary>One silo, localhost clustering, backup service in-process, files under the data directory.</summary>
    Development,

    /// <summary>Several silos with membership and metadata in PostgreSQL; the backup server runs apart.</summary>
    Cluster,
}
