using Buckets.Hosting.OpenApi;

namespace Buckets.Server.Endpoints;

/// <summary>What every tenant endpoint may answer besides its own results, declared once for the API description.</summary>
internal static class TenantApiConventions
{
    /// <summary>429 (the bucket's rate limit) and 503 with Retry-After (bucket unavailable, memory pressure, server busy).</summary>
    public static TBuilder WithTenantProblems<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithResponseHeader(StatusCodes.Status429TooManyRequests, "Retry-After", "Seconds to wait before retrying.")
            .WithResponseHeader(StatusCodes.Status503ServiceUnavailable, "Retry-After", "Seconds to wait before retrying: the bucket is loading or its backup is unreachable (unavailable), the silo is low on memory (memory-pressure), or busy reading bodies (server-busy).");
}
