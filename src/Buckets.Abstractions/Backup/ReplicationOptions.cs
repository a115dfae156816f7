using System.ComponentModel.DataAnnotations;

namespace Buckets.Abstractions.Backup;

/// <summary>
/// How many backup servers keep a bucket, by durability class, and how many must store a critical
/// write before it is answered. Bound from <c>Buckets:Backup:Replication</c>; every count is capped at
/// the number of servers, and the cap is reported at start-up (see docs/backup-protocol.md). Silos and
/// backup servers read the same section and must agree on it, as on the server list.
/// </summary>
public sealed class ReplicationOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Buckets:Backup:Replication";

    /// <summary>Replicas of a <c>critical</c> bucket.</summary>
    [Range(1, ReplicaPlacement.MaxServers)]
    public int Critical { get; set; } = 3;

    /// <summary>Replicas of a <c>standard</c> bucket.</summary>
    [Range(1, ReplicaPlacement.MaxServers)]
    public int Standard { get; set; } = 2;

    /// <summary>
    /// Replicas that must have fsynced a <c>critical</c> write before it is answered: 0 means a majority
    /// (⌊R/2⌋+1); a larger number, up to R, trades availability for more copies before the answer.
    /// Below a majority would let a later activation rehydrate without the write, so it is refused.
    /// </summary>
    [Range(0, ReplicaPlacement.MaxServers)]
    public int CriticalWriteQuorum { get; set; }

    /// <summary>The most replicas any bucket has among <paramref name="servers"/> servers: the servers a bucket of any class may be on.</summary>
    public int WidestCount(int servers) => Math.Min(Math.Max(Critical, Standard), servers);

    /// <summary>
    /// A replica whose unstored changes in a bucket's journal exceed this many bytes is left behind: the
    /// journal trims to the other replicas and that one catches up from a snapshot when it asks next.
    /// </summary>
    [Range(typeof(long), "1024", "1099511627776")]
    public long ReplicaLagBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>A replica that has not stored a bucket's changes for this long is left behind, as for <see cref="ReplicaLagBytes"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ReplicaLagTime { get; set; } = TimeSpan.FromSeconds(30);
}
