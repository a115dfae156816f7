using System.Text.Json.Serialization;

namespace Buckets.Backup.Events;

/// <summary>What a health event is about (written by name in files and answers, so names never change meaning).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<BackupEventKind>))]
public enum BackupEventKind
{
    /// <summary>Buckets have fewer replicas than their class asks for (which buckets, how many).</summary>
    ReplicationBelowTarget,

    /// <summary>A backup server joined the server list.</summary>
    ServerAdded,

    /// <summary>A backup server left the server list.</summary>
    ServerRemoved,

    /// <summary>A peer backup server stopped answering.</summary>
    ServerUnreachable,

    /// <summary>A peer backup server answers again.</summary>
    ServerBack,

    /// <summary>A resync of this server's buckets began.</summary>
    ResyncStarted,

    /// <summary>A resync of this server's buckets ended.</summary>
    ResyncFinished,

    /// <summary>A bucket's backup history is damaged (it fails closed until repaired or restored).</summary>
    CorruptionFound,

    /// <summary>A damaged bucket was repaired (by an operator or from its replicas).</summary>
    CorruptionRepaired,

    /// <summary>At the recent growth rate the backup disk fills within <c>Backup:Status:DiskFullWarningWindow</c>.</summary>
    DiskLimitImminent,

    /// <summary>Free space on the backup disk is below <c>Backup:Events:DiskReserveBytes</c>.</summary>
    DiskLimitReached,

    /// <summary>Changes took longer than <c>Backup:Events:LagThreshold</c> from their write to their fsync here.</summary>
    BackupLagHigh,

    /// <summary>An integrity sweep across replicas ended (what it found and repaired is in the details).</summary>
    IntegritySweepFinished,

    /// <summary>Backup servers or silos were configured with different server lists.</summary>
    ServerListMismatch,

    /// <summary>The retention sweep visited every bucket in the store (retired files deleted, every folder loaded).</summary>
    RetentionSweepFinished,

    /// <summary>A replica's copy differs from the newest its peers agree on (another digest at the same change, or behind past the grace period), or replicas disagree with no majority.</summary>
    ReplicaDivergent,

    /// <summary>The integrity sweep replaced a divergent copy with its peers' newest and verified it by digest.</summary>
    ReplicaRepaired,

    /// <summary>The integrity sweep could not repair a copy (no readable copy anywhere, a failed read or install, a digest that did not match).</summary>
    ReplicaRepairFailed,
}
