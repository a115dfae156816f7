using System.ComponentModel.DataAnnotations;

namespace Buckets.Server.Backup;

/// <summary>How this silo reaches the backup service. Bound from <c>Buckets:Backup</c>.</summary>
public sealed class BackupClientOptions
{
    public const string SectionName = "Buckets:Backup";

    /// <summary>InProcess (default), Remote or None.</summary>
    public BackupMode Mode { get; set; } = BackupMode.InProcess;

    /// <summary>The backup server's base URL (Remote mode, one server), e.g. <c>http://buckets-backup:8081</c>; <see cref="Servers"/> for several.</summary>
    public Uri? ServerUrl { get; set; }

    /// <summary>
    /// Every backup server's internal base URL (Remote mode), in one order that every silo and backup
    /// server shares (<c>Backup:Cluster:Servers</c> there); each bucket is kept by the replicas
    /// <c>Buckets:Backup:Replication</c> asks for, placed by rendezvous hashing over this list.
    /// </summary>
    public IList<Uri> Servers { get; } = [];

    /// <summary>The servers in effect: <see cref="Servers"/>, else <see cref="ServerUrl"/> alone.</summary>
    public IReadOnlyList<Uri> EffectiveServers => Servers.Count > 0 ? [.. Servers] : ServerUrl is { } one ? [one] : [];

    /// <summary>Timeout of one call to the backup server that carries changes or a chunk; a slower answer makes the request 503.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Timeout of one call that carries or answers a whole bucket (an epoch grant, a state read, a
    /// snapshot push or an upload's commit): its time grows with the bucket, so a large bucket would
    /// never fit in <see cref="RequestTimeout"/>. The HTTP request that waits for it may give up sooner
    /// (Orleans' grain call timeout, 30 s by default).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan TransferTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Englang up to this many bytes goes in one request; more (a large bucket's snapshot) goes as an
    /// upload in chunks of this size. Keep it at or below the backup server's
    /// <c>Backup:Upload:MaxRequestBytes</c> (both default to 8 MiB); the server's smaller limit wins.
    /// </summary>
    [Range(Buckets.Backup.Endpoints.InternalBackupRoutes.SmallestRequestLimit, 1024L * 1024 * 1024)]
    public long ChunkBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>The URL the backup server uses to pull this silo; empty derives it from the listening address.</summary>
    public Uri? AnnounceAddress { get; set; }

    /// <summary>How often this silo re-announces itself to the backup server.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AnnounceInterval { get; set; } = TimeSpan.FromSeconds(5);
}
