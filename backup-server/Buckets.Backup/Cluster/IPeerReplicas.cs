using Buckets.Backup.Storage;

namespace Buckets.Backup.Cluster;

/// <summary>What this backup server asks its peers about the buckets they keep (resync and the integrity sweep); <see cref="PeerReplicas"/> over HTTP.</summary>
public interface IPeerReplicas
{
    /// <summary>A page of the bucket ids <paramref name="peer"/> holds, after <paramref name="after"/>. Throws <see cref="HttpRequestException"/> when it does not answer.</summary>
    Task<BucketPage> ListAsync(Uri peer, string? after, int limit, CancellationToken cancellationToken);

    /// <summary>The peer's whole copy of the bucket; <c>null</c> when it holds none. Throws <see cref="HttpRequestException"/> when it cannot hand one on (unreachable, resyncing, damaged).</summary>
    Task<ReplicaCopy?> ReadCopyAsync(Uri peer, string bucketId, CancellationToken cancellationToken);

    /// <summary>What the peer holds of the bucket (its digest at <paramref name="atSeq"/>, or at its last change); never throws for a peer that does not answer.</summary>
    Task<ReplicaAnswer> ReadDigestAsync(Uri peer, string bucketId, long? atSeq, CancellationToken cancellationToken);
}
