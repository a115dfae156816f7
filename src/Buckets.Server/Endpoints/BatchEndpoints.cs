using Buckets.Abstractions;
using Buckets.Contracts.Http;
using Buckets.Core;
using Buckets.Hosting.Http;
using Buckets.Hosting.OpenApi;
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
        var limits = app.ServiceProvider.GetRequiredService<IOptions<LimitsOptions>>().Value;
        app.MapPost("/v1/batch", ApplyAsync).RequireApiKey().WithTags("Keys").WithTenantProblems()
            .WithSummary("Apply several sets and deletes, all or nothing")
            .WithDescription($"1 to {limits.MaxBatchOperations} operations, a body of at most {limits.MaxBatchBytes} bytes. Operations apply in order. 409 batch-not-applied when any precondition or limit fails: nothing was applied and the problem's 'results' say which operation failed and why.")
            .WithRequestBody<RouteHandlerBuilder, BatchRequest>("application/json")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .WithRequestExample("""
                {"operations":[
                  {"op":"set","key":"a","value":"1","ttl":300},
                  {"op":"set","key":"b","valueBase64":"AAEC"},
                  {"op":"set","key":"c","value":"new","ifVersion":7},
                  {"op":"delete","key":"session"}]}
                """)
            .WithResponseExample(StatusCodes.Status200OK, """
                {"applied":true,"results":[
                  {"key":"a","status":"created","version":43},{"key":"b","status":"created","version":44},
                  {"key":"c","status":"replaced","version":45},{"key":"session","status":"deleted","version":null}]}
                """);
        return app;
    }

    private static async Task<Results<Ok<BatchResponse>, ProblemHttpResult>> ApplyAsync(BucketCaller caller, BucketGrains grains, IOptions<LimitsOptions> options, HttpContext http)
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
