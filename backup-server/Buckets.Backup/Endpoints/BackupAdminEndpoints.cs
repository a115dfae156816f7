using System.Globalization;
using Buckets.Backup.Events;
using Buckets.Backup.Status;
using Buckets.Backup.Storage;
using Buckets.Hosting;
using Buckets.Hosting.Http;
using Buckets.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Endpoints;

/// <summary>
/// <c>/admin/v1/backups</c>, <c>/admin/v1/status</c> and <c>/admin/v1/events</c> (admin token, internal
/// surface), and <c>/status</c>: without a credential only whether the server is ready, since the
/// details name silo addresses.
/// </summary>
public static class BackupAdminEndpoints
{
    public static IEndpointRouteBuilder MapBackupAdminEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/v1/backups").RequireAdminToken().WithTags("Backup admin");
        group.MapGet("", List).WithSummary("Every bucket the store holds, with its last store and lag");
        group.MapGet("/{bucketId}", DescribeAsync).WithSummary("One bucket's backup: files, change range, bytes")
            .Produces<BucketBackupInfo>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/{bucketId}/repair", RepairAsync).WithSummary("Accept the loss in a bucket whose backup fails closed")
            .Produces<BucketRepair>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/admin/v1/status", (BackupHealth health) => TypedResults.Ok(health.Snapshot())).RequireAdminToken().WithTags("Backup status")
            .WithSummary("Pulls per silo, lag, disk free and its forecast, warnings");
        app.MapGet("/status", ReadinessAsync).WithTags("Backup status").WithSummary("Whether the backup server is ready (details need the admin token)")
            .Produces(StatusCodes.Status200OK).Produces(StatusCodes.Status503ServiceUnavailable);
        app.MapGet("/admin/v1/cluster", (Cluster.PeerMonitor peers, Cluster.ReplicaResync resync, Cluster.BucketMoves moves, IOptions<Cluster.BackupClusterOptions> cluster, Cluster.IntegritySweep sweep) =>
            TypedResults.Ok(new Cluster.ClusterStatus(peers.Own, peers.Peers, peers.SiloDifferences, resync.Progress, moves.Progress, cluster.Value.IsLeaving, sweep.Status))).RequireAdminToken().WithTags("Backup status");
        app.MapEventEndpoints();
        return app;
    }

    private static async Task<IResult> ReadinessAsync(HealthCheckService checks, CancellationToken cancellationToken)
    {
        var report = await checks.CheckHealthAsync(check => check.Tags.Contains(BucketsHostingExtensions.ReadyTag), cancellationToken);
        var ready = report.Status == HealthStatus.Healthy;
        return TypedResults.Json(new { ready, details = "/admin/v1/status" }, statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// <c>?after=&amp;limit=</c>: a page of buckets in the store's stable order (an array, as before paging);
    /// when more follow, a <c>Link: &lt;...?after=ID&amp;limit=N&gt;; rel="next"</c> header names the next page.
    /// </summary>
    private static IResult List(HttpContext http, IBackupStore store, BackupHealth health, IOptions<BackupAdminOptions> options)
    {
        var query = http.Request.Query;
        var settings = options.Value;
        string? after = null;
        if (query.ContainsKey("after"))
        {
            after = query["after"].ToString();
            if (!BucketIds.IsValid(after))
            {
                return Problems.BadRequest("invalid-list-query", "'after' must be a bucket id (the last id of the previous page).");
            }
        }

        var limit = settings.DefaultListLimit;
        if (query.ContainsKey("limit")
            && (!int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > settings.MaxListLimit))
        {
            return Problems.BadRequest("invalid-list-query", $"'limit' must be a whole number from 1 to {settings.MaxListLimit}.");
        }

        var page = store.ListBuckets(after, limit);
        if (page.Next is { } next)
        {
            http.Response.Headers.Link = $"<{http.Request.PathBase}{http.Request.Path}?after={Uri.EscapeDataString(next)}&limit={limit}>; rel=\"next\"";
        }

        return TypedResults.Ok(page.Ids.Select(id => new BackupListItem(id, health.Buckets.GetValueOrDefault(id))).ToList());
    }

    private static Task<IResult> DescribeAsync(string bucketId, IBackupStore store, CancellationToken cancellationToken) =>
        ForBucketAsync(bucketId, () => store.DescribeAsync(bucketId, cancellationToken));

    /// <summary>An operator accepts the loss in a bucket that fails closed (see <see cref="IBackupStore.RepairAsync"/>).</summary>
    private static Task<IResult> RepairAsync(string bucketId, IBackupStore store, CancellationToken cancellationToken) =>
        ForBucketAsync(bucketId, () => store.RepairAsync(bucketId, cancellationToken));

    /// <summary>400 for an invalid id, 404 when the store has no backup of the bucket, else the store's answer.</summary>
    private static async Task<IResult> ForBucketAsync<T>(string bucketId, Func<Task<T?>> read)
        where T : class
    {
        if (InternalRequests.CheckBucketId(bucketId) is { } invalid)
        {
            return invalid;
        }

        return await read() is { } found
            ? TypedResults.Ok(found)
            : TypedResults.Problem(detail: $"No backup of bucket {bucketId}.", statusCode: StatusCodes.Status404NotFound);
    }
}
