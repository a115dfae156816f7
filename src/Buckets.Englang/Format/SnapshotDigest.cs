using System.Security.Cryptography;

namespace Buckets.Englang;

/// <summary>
/// The snapshot digest: SHA-256 over the exact bytes of the header line and every entry line
/// (each with its checksum suffix and line feed), of which the first 16 bytes are kept and written
/// as 32 lowercase hex digits.
/// </summary>
internal sealed class SnapshotDigest : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Adds a line as written, line feed included.</summary>
    public void AppendLine(ReadOnlySpan<byte> lineWithNewline) => _hash.AppendData(lineWithNewline);

    /// <summary>Adds a line as read, without its line feed (one is added).</summary>
    public void AppendLineWithoutNewline(ReadOnlySpan<byte> line)
    {
        _hash.AppendData(line);
        _hash.AppendData("\n"u8);
    }

    /// <summary>Returns the digest of everything added and starts over.</summary>
    public string Finish()
    {
        Span<byte> hash = stackalloc byte[32];
        _hash.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash[..16]);
    }

    public void Dispose() => _hash.Dispose();
}
