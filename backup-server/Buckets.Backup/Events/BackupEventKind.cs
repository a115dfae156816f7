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

    /// <summary>A sweep over every bucket in the store ended (what it found is in the details).</summary>
    IntegritySweepFinished,

    /// <summary>Backup servers or silos were configured with different server lists.</summary>
    ServerListMismatch,
}
