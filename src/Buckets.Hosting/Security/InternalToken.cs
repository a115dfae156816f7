using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Buckets.Hosting.Security;

/// <summary>
/// The bearer token silos and the backup server show each other: an HMAC of a fixed label under
/// the cluster secret, so the secret itself never crosses the network.
/// </summary>
public sealed class InternalToken
{
    private static readonly byte[] Label = "buckets/internal/v1"u8.ToArray();
    private readonly SharedSecret _secret;

    public InternalToken(string clusterSecret) =>
        _secret = new SharedSecret(Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(clusterSecret), Label)));

    /// <summary>The token to present.</summary>
    public string Value => _secret.Value;

    /// <summary>True when <paramref name="presented"/> (a bearer token) is this token; constant time.</summary>
    public bool Matches(ReadOnlySpan<char> presented) => _secret.Matches(presented);
}
