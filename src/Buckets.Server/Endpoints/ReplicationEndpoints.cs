using Buckets.Abstractions.Backup;
using Buckets.Backup.Security;
using Buckets.Grains.Backup;
using Buckets.Server.Http;

namespace Buckets.Server.Endpoints;

/// <summary><c>POST /internal/v1/backup/pull</c>: the backup server collects this silo's pending changes (internal token).</summary>
public static class ReplicationEndpoints
{
    public static IEndpointRouteBuilder MapReplicationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/internal/v1/backup/pull", PullAsync).WithTags("Internal");
        return app;
    }

    private static async Task<IResult> PullAsync(PullRequest request, PullCoordinator coordinator, InternalToken token, HttpContext http)
    {
        if (!token.Matches(http.Request.Headers.Authorization))
        {
            return Problems.Unauthorized("Send the cluster's internal token.");
        }

        return TypedResults.Ok(await coordinator.PullAsync(request));
    }
}
