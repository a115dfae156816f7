using Buckets.Grains;
using Buckets.Hosting;
using Buckets.Hosting.Logging;
using Buckets.Resp;
using Buckets.Server.Security;

namespace Buckets.Server.Hosting;

/// <summary>
/// The whole server composed once: logging, security, the silo, the HTTP API, the RESP listener and
/// metrics. <c>Program.cs</c> and the in-process pipeline benchmarks both build it here, so what is
/// measured is what ships.
/// </summary>
public static class BucketsServer
{
    /// <summary>Builds the server from <paramref name="builder"/> (its configuration already complete) with every endpoint mapped.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddBucketsLogging();
        builder.AddBucketsSecurity().AddBucketsSilo().AddBucketsApi().AddBucketsResp().AddBucketsMetrics(BucketsMetrics.MeterName, "Microsoft.Orleans");
        var app = builder.Build();
        app.MapBucketsApi();
        return app;
    }
}
