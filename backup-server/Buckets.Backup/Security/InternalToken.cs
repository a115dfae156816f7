using System.Security.Cryptography;
using System.Text;

namespace Buckets.Backup.Security;

/// <summary>
/// The bearer token silos and the backup server show each other on <c>/internal</c>:
/// <c>Buckets:Security:InternalToken</c>, a secret of its own so a backup server needs no other.
/// </summary>
public sealed class InternalToken
{
    private readonly byte[] _bytes;

    /// <exception cref="ArgumentException">The token is empty: an empty token would match an empty header.</exception>
    public InternalToken(string token)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        Value = token.Trim();
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
