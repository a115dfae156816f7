using Buckets.Backup.Console;
using Buckets.Backup.Endpoints;
using Buckets.Backup.Storage;
using Buckets.Core;
using Buckets.Hosting;
using Buckets.Hosting.OpenApi;
using Buckets.Hosting.Security;
using Buckets.Server.Endpoints;
using Buckets.Server.Http;
using Buckets.Server.RateLimiting;
using Buckets.Server.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Hosting;

/// <summary>The HTTP side: problem details, limits, authentication and every endpoint group.</summary>
public static class ApiHostingExtensions
{
    // Headers and framing on top of the largest body the API accepts.
    private const int RequestOverheadBytes = 64 * 1024;

    public static IHostApplicationBuilder AddBucketsApi(this IHostApplicationBuilder builder)
    {
        builder.AddBucketsHttp();
        builder.AddBucketsOpenApi("Buckets");
        builder.Services.AddSingleton<IApiKeyValidator, ApiKeyValidator>();
        builder.Services.AddSingleton<BucketGrains>();
        // Used only where the backup service runs in this process (development profile): the console's restore.
        builder.Services.AddSingleton<IConsoleRestorer, GrainConsoleRestorer>();
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.AddBucketsRateLimits();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<LimitsOptions>>((kestrel, limits) =>
            kestrel.Limits.MaxRequestBodySize = Math.Max(limits.Value.MaxValueBytes, limits.Value.MaxBatchBytes) + RequestOverheadBytes);
        return builder;
    }

    public static WebApplication MapBucketsApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseBucketsProblemBodies();
        app.UseBucketsEndpointGuard();
        app.UseBucketsRateLimits();
        app.MapBucketsHealthAndMetrics();
        app.MapBucketsOpenApi();
        app.MapAdminEndpoints();
        app.MapKeysEndpoints();
        app.MapKeyOperationEndpoints();
        app.MapBatchEndpoints();
        app.MapBucketEndpoints();
        app.MapChangesEndpoints();
        app.MapReplicationEndpoints();
        if (app.Services.GetService<IBackupStore>() is not null)
        {
            // The development profile hosts the backup service: expose its status and admin views too.
            app.MapBackupAdminEndpoints();
            app.MapBucketsConsole();
        }

        return app;
    }
}
