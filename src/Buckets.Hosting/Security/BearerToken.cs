using Microsoft.AspNetCore.Http;

namespace Buckets.Hosting.Security;

/// <summary>The one reader of <c>Authorization: Bearer</c> credentials, for every endpoint of both programs.</summary>
public static class BearerToken
{
    private const string Prefix = "Bearer ";

    /// <summary>The token the request presents, or empty when it presents none.</summary>
    public static ReadOnlySpan<char> From(HttpRequest request) => Parse(request.Headers.Authorization.ToString());

    /// <summary>The token of an <c>Authorization</c> header value; the scheme is case-insensitive (RFC 9110).</summary>
    public static ReadOnlySpan<char> Parse(string? header) =>
        header is not null && header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? header.AsSpan(Prefix.Length).Trim() : [];
}
