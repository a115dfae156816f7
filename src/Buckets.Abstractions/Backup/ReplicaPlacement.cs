using System.IO.Hashing;
using System.Text;

namespace Buckets.Abstractions.Backup;

/// <summary>
/// Which backup servers keep a bucket: rendezvous (highest-random-weight) hashing of the bucket id over
/// the server list. Every server gets a weight per bucket; the bucket's replicas are the R servers of
/// highest weight. Adding or removing one server moves only the buckets whose top R changed, and the
/// replicas for a smaller R are a prefix of those for a larger one. Pure and allocation-light, the
/// same on silos and backup servers (see docs/backup-protocol.md).
/// </summary>
public static class ReplicaPlacement
{
    /// <summary>Most servers a list may hold (a silo tracks a bucket's replicas in a 64-bit mask).</summary>
    public const int MaxServers = 64;

    /// <summary>A server's identity in the list: its URL's scheme, host and port, lower case, so two spellings of one URL place alike.</summary>
    public static string ServerId(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }

    /// <summary>The weight of <paramref name="serverId"/> for <paramref name="bucketId"/>.</summary>
    public static ulong Weight(string serverId, string bucketId)
    {
        ArgumentNullException.ThrowIfNull(serverId);
        ArgumentNullException.ThrowIfNull(bucketId);
        var length = Encoding.UTF8.GetByteCount(serverId) + 1 + Encoding.UTF8.GetByteCount(bucketId);
        Span<byte> bytes = length <= 512 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(serverId, bytes);
        bytes[written] = 0;
        Encoding.UTF8.GetBytes(bucketId, bytes[(written + 1)..]);
        return XxHash64.HashToUInt64(bytes);
    }

    /// <summary>The positions in <paramref name="serverIds"/> of the bucket's <paramref name="count"/> replicas, highest weight first (at most the list's length).</summary>
    public static int[] Replicas(string bucketId, IReadOnlyList<string> serverIds, int count)
    {
        ArgumentNullException.ThrowIfNull(serverIds);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var ranked = new (ulong Weight, int Index)[serverIds.Count];
        for (var i = 0; i < ranked.Length; i++)
        {
            ranked[i] = (Weight(serverIds[i], bucketId), i);
        }

        // Highest weight first; equal weights (a 2^-64 chance) fall back to the list order on every node alike.
        Array.Sort(ranked, (a, b) => a.Weight != b.Weight ? b.Weight.CompareTo(a.Weight) : a.Index.CompareTo(b.Index));
        var replicas = new int[Math.Min(count, ranked.Length)];
        for (var i = 0; i < replicas.Length; i++)
        {
            replicas[i] = ranked[i].Index;
        }

        return replicas;
    }

    /// <summary>True when the server at <paramref name="serverIndex"/> is one of the bucket's <paramref name="count"/> replicas.</summary>
    public static bool IsReplica(string bucketId, IReadOnlyList<string> serverIds, int count, int serverIndex) =>
        Array.IndexOf(Replicas(bucketId, serverIds, count), serverIndex) >= 0;

    /// <summary>A majority of <paramref name="replicas"/>: ⌊R/2⌋+1.</summary>
    public static int Majority(int replicas) => (replicas / 2) + 1;
}
