using Microsoft.Extensions.Options;

namespace Buckets.Server.RateLimiting;

/// <summary>Wires per-bucket rate limits; when they are off nothing is added to the request path.</summary>
public static class RateLimitingExtensions
{
    public static IHostApplicationBuilder AddBucketsRateLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<BucketRateLimitOptions>().BindConfiguration(BucketRateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<BucketRateLimiter>();
        return builder;
    }

    /// <summary>Must follow authentication, which names the caller's bucket.</summary>
    public static IApplicationBuilder UseBucketsRateLimits(this IApplicationBuilder app)
    {
        var enabled = app.ApplicationServices.GetRequiredService<IOptions<BucketRateLimitOptions>>().Value.Enabled;
        return enabled ? app.UseMiddleware<BucketRateLimitMiddleware>() : app;
    }
}
