namespace Buckets.Backup.Cluster;

/// <summary>What a replica answered when asked what it holds of a bucket.</summary>
public enum ReplicaHolding
{
    /// <summary>It holds a readable copy (<see cref="ReplicaAnswer.Digest"/>).</summary>
    Holds,

    /// <summary>It holds nothing of the bucket (404), or not the change asked for.</summary>
    Missing,

    /// <summary>Its copy is damaged (it fails closed): it counts for nothing, and its epoch is unknown.</summary>
    Damaged,

    /// <summary>It did not answer, or is resyncing: its epoch is unknown.</summary>
    Unreachable,
}

/// <summary>One replica's answer about one bucket, as the integrity sweep weighs it.</summary>
/// <param name="Server">The replica's server id.</param>
/// <param name="Holding">What it holds.</param>
/// <param name="Digest">Its copy's digest, when it holds one.</param>
/// <param name="PrefixDigest">
/// For a replica of the same writer epoch that is ahead of this one: its digest at this replica's last
/// change (the common change), or <c>null</c> when not asked or no longer kept there.
/// </param>
public sealed record ReplicaAnswer(string Server, ReplicaHolding Holding, ReplicaDigest? Digest = null, string? PrefixDigest = null)
{
    /// <summary>A readable copy.</summary>
    public static ReplicaAnswer Of(string server, ReplicaDigest digest) => new(server, ReplicaHolding.Holds, digest);
}
