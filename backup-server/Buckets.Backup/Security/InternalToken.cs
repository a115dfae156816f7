using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Buckets.Backup.Security;

/// <summary>
/// The bearer token silos and the backup server show each other: an HMAC of a fixed label under
/// the cluster secret, so the secret itself never crosses the network.
/// </summary>
public sealed class InternalToken
{
    private static readonly byte[] Label = "buckets/internal/v1"u8.ToArray();
    private readonly byte[] _bytes;

    public InternalToken(string clusterSecret)
    {
        Value = Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clusterSecret), Label));
        _bytes = Encoding.ASCII.GetBytes(Value);
    }

    public string Value { get; }

    /// <summary>Checks an <c>Authorization</c> header in constant time.</summary>
    public bool Matches(string? authorizationHeader)
    {
        const string scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(authorizationHeader[scheme.Length..].Trim()), _bytes);
    }
}
