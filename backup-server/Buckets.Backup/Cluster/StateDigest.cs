using System.Security.Cryptography;
using System.Text;
using Buckets.Englang;

namespace Buckets.Backup.Cluster;

/// <summary>
/// A digest of a bucket's state (every entry's key, value, version and expiry, in key order, and the
/// last change), so two replicas' copies are compared without comparing files, whose names and times differ.
/// </summary>
public static class StateDigest
{
    /// <summary>The digest of an Englang snapshot; throws <see cref="InvalidDataException"/> for one that does not replay.</summary>
    public static string Of(byte[] snapshot) => Read(snapshot).Digest;

    /// <summary>The digest of an Englang snapshot and the durability class its header names (which decides how many replicas keep it).</summary>
    public static (string Digest, string Durability) Read(byte[] snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        using var stream = new MemoryStream(snapshot);
        var replayed = BucketReplayer.Replay([("state", stream)], new ReplayOptions(DateTimeOffset.MinValue) { IncludeExpired = true });
        if (!replayed.Succeeded)
        {
            throw new InvalidDataException("The state to digest is not a readable Englang snapshot.");
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> number = stackalloc byte[8];
        foreach (var (key, entry) in replayed.State.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            var keyBytes = Encoding.UTF8.GetBytes(key);
            Append(hash, number, keyBytes.Length);
            hash.AppendData(keyBytes);
            Append(hash, number, entry.Value.Length);
            hash.AppendData(entry.Value);
            Append(hash, number, entry.Version);
            Append(hash, number, entry.ExpiresAt?.UtcTicks ?? 0);
        }

        Append(hash, number, replayed.State.LastSeq);
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), replayed.State.Durability);
    }

    private static void Append(IncrementalHash hash, Span<byte> buffer, long value)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        hash.AppendData(buffer);
    }
}
