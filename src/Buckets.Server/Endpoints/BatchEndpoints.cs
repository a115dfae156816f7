using Buckets.Abstractions;
using Buckets.Abstractions.Http;
using Buckets.Core;
using Buckets.Hosting.Http;
using Buckets.Hosting.Security;
using Buckets.Server.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Endpoints;

/// <summary><c>POST /v1/batch</c>: several sets and deletes applied all or nothing.</summary>
public static class BatchEndpoints
{
    public static IEndpointRouteBuilder MapBatchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/batch", ApplyAsync).RequireApiKey().WithTags("Keys");
        return app;
    }

    private static async Task<IResult> ApplyAsync(BucketCaller caller, BucketGrains grains, IOptions<LimitsOptions> options, HttpContext http)
    {
        var limits = options.Value;
        var (request, problem) = await JsonBody.ReadAsync<BatchRequest>(http, limits.MaxBatchBytes, "batch", precheck: body =>
            BatchOperationParser.CountOperations(body, limits.MaxBatchOperations) > limits.MaxBatchOperations ? TooMany(limits) : null);
        if (problem is not null)
        {
            return problem;
        }

        var operations = request?.Operations;
        if (operations is null || operations.Count == 0 || operations.Count > limits.MaxBatchOperations)
        {
            return TooMany(limits);
        }

        var converted = new BatchOperation[operations.Count];
        for (var i = 0; i < operations.Count; i++)
        {
            if (BatchOperationParser.TryConvert(operations[i], limits, out var operation) is { } error)
            {
                return Problems.BadRequest("invalid-batch", $"Operation {i}: {error}");
            }

            converted[i] = operation!;
        }

        var result = await grains.Get(caller.BucketId).ApplyBatchAsync(converted);
        var response = new BatchResponse(
            result.Applied,
            [.. result.Results.Select((r, i) => new BatchOperationResponse(converted[i].Key, WriteProblems.Name(r.Outcome), r.Succeeded ? r.Version : null))]);
        return result.Applied
            ? TypedResults.Ok(response)
            : Problems.Conflict("batch-not-applied", "No operation was applied because at least one operation could not apply (a precondition failed or the bucket would be full); see 'results'.", new Dictionary<string, object?> { ["results"] = response.Results });
    }

    private static ProblemHttpResult TooMany(LimitsOptions limits) =>
        Problems.BadRequest("invalid-batch", $"'operations' must hold 1 to {limits.MaxBatchOperations} operations.");
}
