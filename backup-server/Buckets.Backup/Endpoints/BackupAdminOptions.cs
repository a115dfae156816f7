using System.ComponentModel.DataAnnotations;

namespace Buckets.Backup.Endpoints;

/// <summary>Limits of the backup admin endpoints. Bound from <c>Backup:Admin</c>.</summary>
public sealed class BackupAdminOptions
{
    public const string SectionName = "Backup:Admin";

    /// <summary>Buckets a page of <c>GET /admin/v1/backups</c> holds when the request gives no <c>limit</c>.</summary>
    [Range(1, 100_000)]
    public int DefaultListLimit { get; set; } = 1000;

    /// <summary>The largest <c>limit</c> a request may ask for (a page is listed from disk while the request waits).</summary>
    [Range(1, 100_000)]
    public int MaxListLimit { get; set; } = 10_000;
}
