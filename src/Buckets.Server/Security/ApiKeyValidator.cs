using System.Diagnostics.CodeAnalysis;
using Buckets.Core;
using Buckets.Core.Security;
using Buckets.Hosting.Security;

namespace Buckets.Server.Security;

/// <summary>
/// API keys as the endpoint gate checks them, the one check a key goes through on every request:
/// its signature (<see cref="ApiKeyAuthority"/>), remembered for keys already proven, then its
/// revocation (<see cref="RevocationList"/>), never remembered. Thread-safe.
/// </summary>
public sealed class ApiKeyValidator(ApiKeyAuthority authority, RevocationList revocations) : IApiKeyValidator
{
    // Proven signatures skip the HMAC (about 1.2 µs, measured); only successes are kept, so the
    // cache stays bounded whatever callers send. Revocation is looked up on every call, so a cached
    // key is refused as soon as the list says so.
    private const int MaxValidatedKeys = 10_000;

    private readonly BoundedCache<ApiKeyClaims> _signed = new(MaxValidatedKeys);

    public bool TryValidate(ReadOnlySpan<char> apiKey, [NotNullWhen(true)] out string? bucketId)
    {
        bucketId = null;
        if (!TryGetClaims(apiKey, out var claims) || !revocations.Allows(claims.BucketId, claims.Serial))
        {
            return false;
        }

        bucketId = claims.BucketId;
        return true;
    }

    private bool TryGetClaims(ReadOnlySpan<char> apiKey, out ApiKeyClaims claims)
    {
        if (_signed.TryGet(apiKey, out claims))
        {
            return true;
        }

        if (!authority.TryValidate(apiKey, out claims))
        {
            return false;
        }

        _signed.Add(apiKey.ToString(), claims);
        return true;
    }
}
