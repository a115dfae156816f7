using System.ComponentModel.DataAnnotations;
using Buckets.Backup.Endpoints;

namespace Buckets.Backup.Uploads;

/// <summary>
/// Limits of Englang bodies silos send to the backup server, bound from <c>Backup:Upload</c>.
/// A batch up to <see cref="MaxRequestBytes"/> is one request; a larger one (a big bucket's
/// snapshot) is an upload session of chunks, each at most <see cref="MaxRequestBytes"/>.
/// </summary>
public sealed class UploadOptions
{
    public const string SectionName = "Backup:Upload";

    /// <summary>
    /// The largest body of one batch request or one upload chunk, in bytes (default 8 MiB). It is
    /// Kestrel's request body limit on those endpoints (the server-wide 30 MB default applies to no
    /// other endpoint). Silos send chunks of <c>Buckets:Backup:ChunkBytes</c>, which must not exceed it.
    /// </summary>
    [Range(InternalBackupRoutes.SmallestRequestLimit, 1024L * 1024 * 1024)]
    public long MaxRequestBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// The largest assembled upload, in bytes (default 1 GiB). The store takes a batch as one
    /// array, so the ceiling is .NET's largest byte array.
    /// </summary>
    [Range(InternalBackupRoutes.SmallestRequestLimit, 2_147_483_591L)]
    public long MaxUploadBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Most upload sessions open at once; one more is answered 503 with Retry-After (bounds the spool's disk use).</summary>
    [Range(1, 1024)]
    public int MaxOpenUploads { get; set; } = 16;

    /// <summary>An upload that received nothing for this long is deleted with its spooled chunks.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan AbandonAfter { get; set; } = TimeSpan.FromMinutes(5);
}
