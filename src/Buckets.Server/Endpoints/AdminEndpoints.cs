using Buckets.Abstractions.Http;
using Buckets.Core.Security;
using Buckets.Server.Http;
using Buckets.Server.Security;

namespace Buckets.Server.Endpoints;

/// <summary><c>/admin</c>: operator endpoints behind the admin token.</summary>
public static class AdminEndpoints
{
    private const int MaxBodyBytes = 4096;

    public static IEndpointRouteBuilder MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin").WithMetadata(new RequireAdminTokenAttribute()).WithTags("Admin");
        group.MapPost("/keys", MintKeyAsync);
        return app;
    }

    private static async Task<IResult> MintKeyAsync(ApiKeyAuthority authority, HttpContext http)
    {
        var body = await BodyReader.ReadAsync(http.Request, MaxBodyBytes, http.RequestAborted);
        if (body is null)
        {
            return Problems.TooLarge($"A key request is at most {MaxBodyBytes} bytes.");
        }

        if (body.Length > 0 && !JsonBody.IsJson(http.Request.ContentType))
        {
            return Problems.UnsupportedMediaType("Send the key request as 'application/json', or no body for a random id.");
        }

        if (!JsonBody.TryDeserialize<MintKeyRequest>(body, out var request, out var jsonError))
        {
            return Problems.BadRequest("invalid-json", jsonError);
        }

        var id = request?.Id ?? ApiKeyAuthority.NewId();
        if (!ApiKeyAuthority.IsValidId(id))
        {
            return Problems.BadRequest("invalid-id", "A key id is 1 to 64 characters of a-z, 0-9, '-' and '_'.");
        }

        return TypedResults.Created($"/v1/bucket", new MintKeyResponse(id, authority.Mint(id)));
    }
}
