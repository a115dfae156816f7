using System.ComponentModel.DataAnnotations;

namespace Buckets.Backup.Security;

/// <summary>
/// Secrets of the backup server, read from the same <c>Buckets:Security</c> section as the silos so
/// one Kubernetes Secret serves both. Never logged.
/// </summary>
public sealed class BackupSecurityOptions
{
    public const string SectionName = "Buckets:Security";

    /// <summary>Bearer token of the backup server's <c>/admin</c> endpoints.</summary>
    [Required(ErrorMessage = "Buckets:Security:AdminToken is required (set Buckets__Security__AdminToken).")]
    [MinLength(16, ErrorMessage = "Buckets:Security:AdminToken must be at least 16 characters.")]
    public string AdminToken { get; set; } = "";

    /// <summary>The cluster secret; the internal token silos present is derived from it.</summary>
    [Required(ErrorMessage = "Buckets:Security:ClusterSecret is required (set Buckets__Security__ClusterSecret).")]
    [MinLength(16, ErrorMessage = "Buckets:Security:ClusterSecret must be at least 16 characters.")]
    public string ClusterSecret { get; set; } = "";
}
