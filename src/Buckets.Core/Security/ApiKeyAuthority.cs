using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Buckets.Core.Security;

/// <summary>
/// Mints and checks API keys of the form <c>id.secret</c>, where the secret is the base64url
/// HMAC-SHA256 of the id under the cluster secret. Checking needs no lookup and runs in
/// constant time over the secret. Thread-safe.
/// </summary>
public sealed class ApiKeyAuthority
{
    /// <summary>Longest accepted key id.</summary>
    public const int MaxIdLength = 64;

    private const int MacBytes = 32;
    private const int MacChars = 43;
    private const int RandomIdBytes = 10;
    private static readonly byte[] Domain = "buckets/api-key/v1:"u8.ToArray();

    private readonly byte[] _clusterSecret;

    public ApiKeyAuthority(byte[] clusterSecret)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(clusterSecret.Length, 16, nameof(clusterSecret));
        _clusterSecret = clusterSecret;
    }

    /// <summary>Creates a new random key id: 20 lowercase hex characters.</summary>
    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomIdBytes));

    /// <summary>True when <paramref name="id"/> may name a bucket: 1..64 of a-z, 0-9, '-' and '_'.</summary>
    public static bool IsValidId(ReadOnlySpan<char> id)
    {
        if (id.IsEmpty || id.Length > MaxIdLength)
        {
            return false;
        }

        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Returns the full API key for <paramref name="id"/>.</summary>
    public string Mint(string id)
    {
        if (!IsValidId(id))
        {
            throw new ArgumentException("A key id is 1 to 64 characters of a-z, 0-9, '-' and '_'.", nameof(id));
        }

        Span<byte> mac = stackalloc byte[MacBytes];
        ComputeMac(id, mac);
        return id + "." + Base64Url.EncodeToString(mac);
    }

    /// <summary>Checks <paramref name="apiKey"/>; on success returns its id.</summary>
    public bool TryValidate(ReadOnlySpan<char> apiKey, out string id)
    {
        id = "";
        var dot = apiKey.IndexOf('.');
        if (dot <= 0 || apiKey.Length - dot - 1 != MacChars || !IsValidId(apiKey[..dot]))
        {
            return false;
        }

        Span<byte> presented = stackalloc byte[MacBytes];
        if (Base64Url.DecodeFromChars(apiKey[(dot + 1)..], presented, out _, out var written) != System.Buffers.OperationStatus.Done
            || written != MacBytes)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[MacBytes];
        ComputeMac(apiKey[..dot], expected);
        if (!CryptographicOperations.FixedTimeEquals(presented, expected))
        {
            return false;
        }

        id = apiKey[..dot].ToString();
        return true;
    }

    private void ComputeMac(ReadOnlySpan<char> id, Span<byte> destination)
    {
        Span<byte> message = stackalloc byte[Domain.Length + MaxIdLength];
        Domain.CopyTo(message);
        var length = Domain.Length + Encoding.ASCII.GetBytes(id, message[Domain.Length..]);
        HMACSHA256.HashData(_clusterSecret, message[..length], destination);
    }
}
