using System.ComponentModel.DataAnnotations;

namespace Buckets.Server.Backup;

/// <summary>How this silo reaches the backup service. Bound from <c>Buckets:Backup</c>.</summary>
public sealed class BackupClientOptions
{
    public const string SectionName = "Buckets:Backup";

    /// <summary>InProcess (default), Remote or None.</summary>
    public BackupMode Mode { get; set; } = BackupMode.InProcess;

    /// <summary>The backup server's base URL (Remote mode), e.g. <c>http://buckets-backup:8081</c>.</summary>
    public Uri? ServerUrl { get; set; }

    /// <summary>Timeout of one call to the backup server; a slower answer makes the request 503.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The URL the backup server uses to pull this silo; empty derives it from the listening address.</summary>
    public Uri? AnnounceAddress { get; set; }

    /// <summary>How often this silo re-announces itself to the backup server.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AnnounceInterval { get; set; } = TimeSpan.FromSeconds(5);
}
