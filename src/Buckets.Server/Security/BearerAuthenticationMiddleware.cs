using Buckets.Hosting.Security;
using System.Security.Cryptography;
using System.Text;
using Buckets.Core.Security;
using Buckets.Server.Http;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Security;

/// <summary>
/// Checks the bearer token of endpoints marked with <see cref="RequireApiKeyAttribute"/> or
/// <see cref="RequireAdminTokenAttribute"/> before the handler (and so before any grain) runs.
/// Lighter than the authentication framework: no principal is built on the hot path.
/// </summary>
public sealed class BearerAuthenticationMiddleware(RequestDelegate next, ApiKeyValidator apiKeys, IOptions<SecurityOptions> security)
{
    private const string Scheme = "Bearer ";

    private readonly byte[] _adminToken = Encoding.UTF8.GetBytes(security.Value.AdminToken);

    public Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<RequireApiKeyAttribute>() is not null)
        {
            if (!apiKeys.TryValidate(BearerToken(context), out var bucketId))
            {
                return ChallengeAsync(context, "Send a valid API key as 'Authorization: Bearer <id>.<secret>'.");
            }

            BucketCaller.Set(context, bucketId);
        }
        else if (metadata?.GetMetadata<RequireAdminTokenAttribute>() is not null && !IsAdmin(BearerToken(context)))
        {
            return ChallengeAsync(context, "Send the admin token as 'Authorization: Bearer <token>'.");
        }

        return next(context);
    }

    private static ReadOnlySpan<char> BearerToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString().AsSpan();
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? header[Scheme.Length..].Trim() : [];
    }

    private bool IsAdmin(ReadOnlySpan<char> token)
    {
        var presented = Encoding.UTF8.GetBytes(token.ToString());
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(presented, _adminToken);
    }

    private static Task ChallengeAsync(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Problems.Unauthorized(detail).ExecuteAsync(context);
    }
}
