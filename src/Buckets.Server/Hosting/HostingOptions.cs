using System.ComponentModel.DataAnnotations;

namespace Buckets.Server.Hosting;

/// <summary>Silo identity, ports and profile. Bound from <c>Buckets:Hosting</c>.</summary>
public sealed class HostingOptions
{
    public const string SectionName = "Buckets:Hosting";

    /// <summary>Development (default) or Cluster.</summary>
    public HostingProfile Profile { get; set; } = HostingProfile.Development;

    /// <summary>Orleans cluster id: silos with the same id form one cluster.</summary>
    [Required]
    public string ClusterId { get; set; } = "buckets-dev";

    /// <summary>Orleans service id: stable across deployments of the same service.</summary>
    [Required]
    public string ServiceId { get; set; } = "buckets";

    /// <summary>
    /// Silo-to-silo port, the only Orleans port a silo opens: no feature uses an Orleans client, so
    /// the client gateway stays closed. Mutual TLS in the Cluster profile, loopback-only in Development.
    /// </summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Address this silo advertises to its peers; empty picks loopback in Development and the first interface otherwise.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Where the development profile keeps generated secrets and backups.</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";
}
