namespace Buckets.Backup.Endpoints;

/// <summary>A silo telling a backup server where to pull its changes, and which backup servers it knows (to find lists that differ).</summary>
/// <param name="Address">The silo's HTTP base address, e.g. <c>http://10.1.2.3:8080</c>.</param>
/// <param name="Servers">The silo's backup server ids, in order; <c>null</c> from silos that do not say.</param>
public sealed record SiloAnnouncement(string Address, IReadOnlyList<string>? Servers = null);
