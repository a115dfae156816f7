using System.Text.Json.Serialization;
using Buckets.Backup.Storage;

namespace Buckets.Backup.Cluster;

/// <summary>
/// What one replica holds of a bucket, without the state itself: the body of
/// <c>GET /internal/v1/buckets/{id}/digest</c>, which the integrity sweep compares across replicas.
/// </summary>
/// <param name="Epoch">The highest epoch the replica knows (p).</param>
/// <param name="WriterEpoch">The epoch whose activation wrote the state (w).</param>
/// <param name="LastSeq">The last change the state holds (s), or the change asked for.</param>
/// <param name="Digest">The <see cref="StateDigest"/> of the state at <paramref name="LastSeq"/>.</param>
/// <param name="Durability">The durability class the state names (<c>standard</c> or <c>critical</c>).</param>
/// <param name="Erased">True when the state is an erasure.</param>
public sealed record ReplicaDigest(long Epoch, long WriterEpoch, long LastSeq, string Digest, string Durability, bool Erased)
{
    /// <summary>Newest first by this: the writer epoch, then the last change (docs/backup-protocol.md).</summary>
    [JsonIgnore]
    public ReplicaPosition Version => new(WriterEpoch, LastSeq);

    /// <summary>The digest of a copy as read from a store.</summary>
    public static ReplicaDigest Of(ReplicaCopy copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var (digest, durability) = StateDigest.Read(copy.Snapshot);
        return new ReplicaDigest(copy.Epoch, copy.WriterEpoch, copy.LastSeq, digest, durability, copy.Erased);
    }
}
