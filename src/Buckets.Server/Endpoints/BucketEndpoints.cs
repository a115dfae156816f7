using Buckets.Contracts.Http;
using Buckets.Core;
using Buckets.Englang;
using Buckets.Hosting.Csv;
using Buckets.Hosting.Http;
using Buckets.Hosting.OpenApi;
using Buckets.Hosting.Security;
using Buckets.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Endpoints;

/// <summary><c>/v1/bucket</c>: the caller's bucket as a whole (stats and policy).</summary>
public static class BucketEndpoints
{
    public static IEndpointRouteBuilder MapBucketEndpoints(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<LimitsOptions>>().Value;
        var group = app.MapGroup("/v1/bucket").RequireApiKey().WithTags("Bucket").WithTenantProblems();
        group.MapGet("", GetStatsAsync)
            .WithSummary("The bucket's stats, policy and backup progress")
            .WithResponseExample(StatusCodes.Status200OK, """
                {"id":"alice","entries":2,"bytes":21,"oldestExpiry":null,"lastChange":42,
                 "policy":{"durability":"standard","defaultTtlSeconds":null},
                 "backup":{"acknowledgedChange":41,"pendingChanges":1,"needsSnapshot":false}}
                """);
        group.MapPut("/policy", SetPolicyAsync)
            .WithSummary("Set the bucket's durability class and default TTL")
            .WithDescription($"durability: cache (never backed up), standard (pulled every interval) or critical (a write is answered after the backup fsynced it). defaultTtlSeconds: 1 to {limits.MaxTtlSeconds}, or null. Body at most {PolicyDto.MaxBodyBytes} bytes.")
            .WithRequestBody<RouteHandlerBuilder, BucketPolicyDto>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithRequestExample("""{"durability":"critical","defaultTtlSeconds":3600}""");
        group.MapGet("/export", ExportAsync)
            .WithSummary("Export the bucket's live entries")
            .WithDescription("Streamed. Without format (or format=englang): one Englang snapshot (text/plain). format=csv: RFC 4180 CSV (text/csv, UTF-8) with the header key,value,value_encoding,expires_at,last_change,last_changed_at; see the README for value_encoding and how formulas are neutralised.")
            .Produces<string>(StatusCodes.Status200OK, "text/plain", "text/csv")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .WithParameterDescriptions(("format", "englang (default) or csv."));
        group.MapDelete("", EraseAsync)
            .WithSummary("Erase the bucket: its entries and its backup files")
            .WithDescription("The erasure is recorded without keys or values. The API key keeps working on the now empty bucket.");
        return app;
    }

    /// <summary>
    /// Streams the export piece by piece (one grain message each, see <see cref="Abstractions.IBucketGrain.ExportAsync"/>):
    /// neither this server nor the bucket's silo holds the whole snapshot. The first piece is fetched
    /// before the status is sent, so a bucket that cannot serve still answers 503; a failure later
    /// cuts the body short, which the snapshot's missing footer shows (and, in CSV, the unfinished
    /// chunked response). CSV rows are made from each piece's Englang lines as the piece arrives.
    /// </summary>
    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ExportAsync(string? format, BucketCaller caller, BucketGrains grains, HttpContext http)
    {
        var csv = format?.ToLowerInvariant() switch
        {
            null or "englang" => false,
            "csv" => true,
            _ => (bool?)null,
        };
        if (csv is null)
        {
            return Problems.BadRequest("invalid-format", "The format must be 'englang' (the default) or 'csv'.");
        }

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

        if (csv == true)
        {
            http.Response.Headers.ContentDisposition = "attachment; filename=\"" + caller.BucketId + ".csv\"";
            return TypedResults.Stream(body => WriteCsvAsync(pieces, body, http.RequestAborted), BucketCsvWriter.ContentType);
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

    private static async Task WriteCsvAsync(IAsyncEnumerator<byte[]> pieces, Stream body, CancellationToken cancellationToken)
    {
        await using (pieces)
        {
            await using var csv = BucketCsvWriter.ForState(body);
            do
            {
                using var reader = new EnglangReader(new MemoryStream(pieces.Current, writable: false), "export");
                while (reader.TryRead(out var item))
                {
                    csv.Write(item.Record);
                }

                if (reader.Errors.Count > 0 || reader.TornTail is not null)
                {
                    // The grain wrote these lines a moment ago; a line it cannot read back is a bug, not input.
                    throw new InvalidOperationException("The bucket's export could not be read back: " + (reader.Errors.Count > 0 ? reader.Errors[0].Message : reader.TornTail!.Message));
                }

                await csv.FlushAsync(cancellationToken);
            }
            while (await pieces.MoveNextAsync());
        }
    }

    private static async Task<NoContent> EraseAsync(BucketCaller caller, BucketGrains grains)
    {
        await grains.Get(caller.BucketId).EraseAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Ok<BucketStatsResponse>> GetStatsAsync(BucketCaller caller, BucketGrains grains)
    {
        var stats = await grains.Get(caller.BucketId).GetStatsAsync();
        return TypedResults.Ok(new BucketStatsResponse(
            caller.BucketId, stats.Entries, stats.Bytes, stats.OldestExpiry, stats.LastChange, PolicyDto.From(stats.Policy),
            new BackupProgressResponse(stats.Backup.AcknowledgedChange, stats.Backup.PendingChanges, stats.Backup.NeedsSnapshot)));
    }

    private static async Task<Results<Ok<BucketPolicyDto>, ProblemHttpResult>> SetPolicyAsync(BucketCaller caller, BucketGrains grains, IOptions<LimitsOptions> limits, HttpContext http)
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
