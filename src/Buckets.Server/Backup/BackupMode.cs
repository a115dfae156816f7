namespace Buckets.Server.Backup;

/// <summary>Where a silo's bucket backups go.</summary>
public enum BackupMode
{
    /// <summary>A backup service hosted inside this process, files under the data directory (development profile).</summary>
    InProcess,

    /// <summary>A separate backup server reached over HTTP (cluster profile).</summary>
    Remote,

    /// <summary>No backups: every bucket is a pure cache and durable classes are refused.</summary>
    None,
}
