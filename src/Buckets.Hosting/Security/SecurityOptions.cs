using System.ComponentModel.DataAnnotations;

namespace Buckets.Hosting.Security;

/// <summary>
/// Secrets of the cluster, one type for silos and backup servers, bound from <c>Buckets:Security</c>
/// so one Kubernetes Secret serves both. Never logged.
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Buckets:Security";

    /// <summary>Shortest accepted secret or token, in characters.</summary>
    public const int MinSecretLength = 16;

    /// <summary>Bearer token for <c>/admin</c> endpoints. Generated in the development profile when unset.</summary>
    [Required(ErrorMessage = "Buckets:Security:AdminToken is required (set Buckets__Security__AdminToken).")]
    [MinLength(MinSecretLength, ErrorMessage = "Buckets:Security:AdminToken must be at least 16 characters.")]
    public string AdminToken { get; set; } = "";

    /// <summary>Key of the HMAC that signs API keys. Generated in the development profile when unset.</summary>
    [Required(ErrorMessage = "Buckets:Security:ClusterSecret is required (set Buckets__Security__ClusterSecret).")]
    [MinLength(MinSecretLength, ErrorMessage = "Buckets:Security:ClusterSecret must be at least 16 characters.")]
    public string ClusterSecret { get; set; } = "";
}
