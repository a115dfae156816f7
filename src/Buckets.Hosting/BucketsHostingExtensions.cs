using Buckets.Hosting.Http;
using Buckets.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Buckets.Hosting;

/// <summary>
/// What silos and backup servers wire the same way: secrets, listeners and limits, the endpoint
/// gate, health and metrics. The development profile hosts both in one process, so each call is
/// safe to make twice.
/// </summary>
public static class BucketsHostingExtensions
{
    /// <summary>Health check tag of what must pass before the process takes traffic.</summary>
    public const string ReadyTag = "ready";

    /// <summary>Secrets (the tokens checked at start-up), the internal token, the failed-authentication limiter, listeners and body limits.</summary>
    public static IHostApplicationBuilder AddBucketsHttp(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(d => d.ServiceType == typeof(HttpSurfaces)))
        {
            return builder;
        }

        // Both programs hold the admin and internal tokens; a backup server nothing else. Silos add
        // the check of their signing secrets.
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>());
        services.TryAddSingleton(sp => new InternalToken(sp.GetRequiredService<IOptions<SecurityOptions>>().Value.InternalToken));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AuthFailureLimiter>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = ProblemTraceIds.Apply);
        HttpSurfaces.AddTo(builder);
        return builder;
    }

    /// <summary>OpenTelemetry metrics of the given meters, scraped as Prometheus text.</summary>
    public static IHostApplicationBuilder AddBucketsMetrics(this IHostApplicationBuilder builder, params string[] meters)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter([.. meters, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"])
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>A problem+json body for every error response that has none (see <see cref="ProblemBodiesMiddleware"/>).</summary>
    public static IApplicationBuilder UseBucketsProblemBodies(this IApplicationBuilder app) =>
        app.UseMiddleware<ProblemBodiesMiddleware>();

    /// <summary>The endpoint gate (surface, credential, body limit): after routing, before every endpoint.</summary>
    public static IApplicationBuilder UseBucketsEndpointGuard(this IApplicationBuilder app) =>
        app.UseMiddleware<EndpointGuardMiddleware>();

    /// <summary><c>/healthz</c> (the process answers), <c>/readyz</c> (checks tagged <see cref="ReadyTag"/> pass), <c>/metrics</c> (internal surface).</summary>
    public static IEndpointRouteBuilder MapBucketsHealthAndMetrics(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapPrometheusScrapingEndpoint("/metrics").OnInternalSurface();
        return app;
    }
}
