using System.Security.Cryptography;
using System.Text;
using Buckets.Backup.Security;
using Buckets.Hosting.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Endpoints;

/// <summary>Endpoint filters: cluster-internal calls show the internal token, admin calls the admin token.</summary>
internal static class TokenFilter
{
    public static RouteGroupBuilder RequireInternalToken(this RouteGroupBuilder group) =>
        group.AddEndpointFilter((context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<InternalToken>().Matches(context.HttpContext.Request.Headers.Authorization)
                ? next(context)
                : ValueTask.FromResult<object?>(Unauthorized("Send the cluster's internal token.")));

    public static RouteGroupBuilder RequireAdminToken(this RouteGroupBuilder group) =>
        group.AddEndpointFilter((context, next) =>
        {
            var expected = context.HttpContext.RequestServices.GetRequiredService<IOptions<SecurityOptions>>().Value.AdminToken;
            var header = context.HttpContext.Request.Headers.Authorization.ToString();
            var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected)) && presented.Length > 0
                ? next(context)
                : ValueTask.FromResult<object?>(Unauthorized("Send the admin token as 'Authorization: Bearer <token>'."));
        });

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unauthorized(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status401Unauthorized, title: "Authentication failed.");
}
