using Buckets.Grains;
using OpenTelemetry.Metrics;

namespace Buckets.Server.Hosting;

/// <summary>OpenTelemetry metrics (Buckets, Orleans, ASP.NET Core) scraped as Prometheus text at <c>/metrics</c>.</summary>
public static class MetricsHostingExtensions
{
    public static IHostApplicationBuilder AddBucketsMetrics(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(BucketsMetrics.MeterName, "Microsoft.Orleans", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());
        return builder;
    }

    public static WebApplication MapBucketsMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint("/metrics");
        return app;
    }
}
