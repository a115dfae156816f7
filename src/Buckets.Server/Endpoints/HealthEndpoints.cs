using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Buckets.Server.Endpoints;

/// <summary><c>/healthz</c> (the process answers) and <c>/readyz</c> (the silo is active and can serve).</summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        return app;
    }
}
