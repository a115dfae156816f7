namespace Buckets.Backup.Endpoints;

/// <summary>A silo telling the backup server where to pull its changes.</summary>
/// <param name="Address">The silo's HTTP base address, e.g. <c>http://10.1.2.3:8080</c>.</param>
public sealed record SiloAnnouncement(string Address);
