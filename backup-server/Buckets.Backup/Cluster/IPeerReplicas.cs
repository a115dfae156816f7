using Buckets.Backup.Storage;

namespace Buckets.Backup.Cluster;

/// <summary>What the integrity sweep asks the bucket's other replicas (<see cref="PeerReplicas"/> over HTTP; a fake of stores in tests).</summary>
public interface IPeerReplicas
{
    /// <summary>The peer's whole copy of the bucket; <c>null</c> when it holds none. Throws <see cref="HttpRequestException"/> when it cannot hand one on (unreachable, resyncing, damaged).</summary>
    Task<ReplicaCopy?> ReadAsync(Uri peer, string bucketId, CancellationToken cancellationToken);

    /// <summary>What the peer holds of the bucket (its digest at <paramref name="atSeq"/>, or at its last change); never throws for a peer that does not answer.</summary>
    Task<ReplicaAnswer> ReadDigestAsync(Uri peer, string bucketId, long? atSeq, CancellationToken cancellationToken);
}
