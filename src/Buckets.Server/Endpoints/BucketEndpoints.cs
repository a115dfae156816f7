using Buckets.Abstractions.Http;
using Buckets.Core;
using Buckets.Hosting.Http;
using Buckets.Hosting.Security;
using Buckets.Server.Http;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Endpoints;

/// <summary><c>/v1/bucket</c>: the caller's bucket as a whole (stats and policy).</summary>
public static class BucketEndpoints
{
    public static IEndpointRouteBuilder MapBucketEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/bucket").RequireApiKey().WithTags("Bucket");
        group.MapGet("", GetStatsAsync);
        group.MapPut("/policy", SetPolicyAsync);
        group.MapGet("/export", ExportAsync);
        group.MapDelete("", EraseAsync);
        return app;
    }

    /// <summary>
    /// Streams the export piece by piece (one grain message each, see <see cref="Abstractions.IBucketGrain.ExportAsync"/>):
    /// neither this server nor the bucket's silo holds the whole snapshot. The first piece is fetched
    /// before the status is sent, so a bucket that cannot serve still answers 503; a failure later
    /// cuts the body short, which the snapshot's missing footer shows.
    /// </summary>
    private static async Task<IResult> ExportAsync(BucketCaller caller, BucketGrains grains, HttpContext http)
    {
        var pieces = grains.Get(caller.BucketId).ExportAsync(http.RequestAborted).WithBatchSize(1).GetAsyncEnumerator(http.RequestAborted);
        try
        {
            if (!await pieces.MoveNextAsync())
            {
                throw new InvalidOperationException("An export always holds at least a header and a footer.");
            }
        }
        catch
        {
            await pieces.DisposeAsync();
            throw;
        }

        return TypedResults.Stream(
            async body =>
            {
                await using (pieces)
                {
                    do
                    {
                        await body.WriteAsync(pieces.Current, http.RequestAborted);
                    }
                    while (await pieces.MoveNextAsync());
                }
            },
            "text/plain; charset=utf-8");
    }

    private static async Task<IResult> EraseAsync(BucketCaller caller, BucketGrains grains)
    {
        await grains.Get(caller.BucketId).EraseAsync();
        return TypedResults.NoContent();
    }

    private static async Task<IResult> GetStatsAsync(BucketCaller caller, BucketGrains grains)
    {
        var stats = await grains.Get(caller.BucketId).GetStatsAsync();
        return TypedResults.Ok(new BucketStatsResponse(
            caller.BucketId, stats.Entries, stats.Bytes, stats.OldestExpiry, stats.LastChange, PolicyDto.From(stats.Policy), stats.Backup));
    }

    private static async Task<IResult> SetPolicyAsync(BucketCaller caller, BucketGrains grains, IOptions<LimitsOptions> limits, HttpContext http)
    {
        var (dto, problem) = await JsonBody.ReadAsync<BucketPolicyDto>(http, PolicyDto.MaxBodyBytes, "policy");
        if (problem is not null)
        {
            return problem;
        }

        if (PolicyDto.TryParse(dto, limits.Value, out var policy) is { } error)
        {
            return Problems.BadRequest("invalid-policy", error);
        }

        var applied = await grains.Get(caller.BucketId).SetPolicyAsync(policy!);
        return TypedResults.Ok(PolicyDto.From(applied));
    }
}
