using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Buckets.Core.Security;
using Buckets.Hosting.Security;

namespace Buckets.Server.Security;

/// <summary>API keys as the endpoint gate checks them: the authority's HMAC behind a cache of keys already proven valid.</summary>
public sealed class ApiKeyValidator(ApiKeyAuthority authority) : IApiKeyValidator
{
    // Keys already proven valid skip the HMAC (about 1.2 µs, measured); only successes are kept,
    // and the cache is dropped whole when full so it stays bounded whatever callers send.
    private const int MaxValidatedKeys = 10_000;

    private readonly ConcurrentDictionary<string, string> _validated = new(StringComparer.Ordinal);

    public bool TryValidate(ReadOnlySpan<char> apiKey, [NotNullWhen(true)] out string? bucketId)
    {
        if (_validated.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(apiKey, out bucketId))
        {
            return true;
        }

        if (!authority.TryValidate(apiKey, out var id))
        {
            bucketId = null;
            return false;
        }

        if (_validated.Count >= MaxValidatedKeys)
        {
            _validated.Clear();
        }

        _validated[apiKey.ToString()] = id;
        bucketId = id;
        return true;
    }
}
