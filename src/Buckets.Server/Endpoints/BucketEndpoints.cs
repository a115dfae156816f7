using Buckets.Hosting.Security;
using Buckets.Hosting.Http;
using Buckets.Abstractions.Http;
using Buckets.Core;
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

    private static async Task<IResult> ExportAsync(BucketCaller caller, BucketGrains grains) =>
        TypedResults.Bytes(await grains.Get(caller.BucketId).ExportAsync(), "text/plain; charset=utf-8");

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
