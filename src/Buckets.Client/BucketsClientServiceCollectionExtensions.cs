using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Buckets.Client;

/// <summary>Registers <see cref="BucketsClient"/> and <see cref="BucketsAdminClient"/> as typed HttpClients.</summary>
public static class BucketsClientServiceCollectionExtensions
{
    /// <summary>A tenant client: <see cref="BucketsClientOptions.Token"/> is the bucket's API key. Options are validated when the client is first made.</summary>
    public static IHttpClientBuilder AddBucketsClient(this IServiceCollection services, Action<BucketsClientOptions> configure) =>
        Add<BucketsClient>(services, configure);

    /// <summary>An operator client: <see cref="BucketsClientOptions.Token"/> is the admin token, the address the internal port.</summary>
    public static IHttpClientBuilder AddBucketsAdminClient(this IServiceCollection services, Action<BucketsClientOptions> configure) =>
        Add<BucketsAdminClient>(services, configure);

    private static IHttpClientBuilder Add<TClient>(IServiceCollection services, Action<BucketsClientOptions> configure)
        where TClient : class
    {
        // Named after the client type, so a tenant and an admin client in one container keep their own settings.
        var name = typeof(TClient).Name;
        services.AddOptions<BucketsClientOptions>(name).Configure(configure).ValidateDataAnnotations()
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "BaseAddress must be an absolute URL such as http://127.0.0.1:5080/.")
            .Validate(o => o.MaxRetryDelay > TimeSpan.Zero && o.AttemptTimeout > TimeSpan.Zero, "MaxRetryDelay and AttemptTimeout must be positive.");
        var builder = services.AddHttpClient<TClient>(name, (sp, http) =>
        {
            var options = sp.GetRequiredService<IOptionsMonitor<BucketsClientOptions>>().Get(name);
            var address = options.BaseAddress!.ToString();
            // Relative paths resolve below the base address only when it ends with '/'.
            http.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
            // Per attempt timeouts come from the pipeline; this bounds the whole call with its retries.
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        builder.AddResilienceHandler("buckets-retry", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<BucketsClientOptions>>().Get(name);
            if (options.MaxRetries > 0)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetries,
                    // Only what the server says is safe to retry: a 503 with Retry-After means nothing was
                    // applied. A 503 without it (a timeout) may have applied a write, so it is not repeated.
                    ShouldHandle = args => ValueTask.FromResult(
                        args.Outcome.Result is { StatusCode: HttpStatusCode.ServiceUnavailable, Headers.RetryAfter: not null }),
                    ShouldRetryAfterHeader = true,
                    MaxDelay = options.MaxRetryDelay,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                });
            }

            pipeline.AddTimeout(options.AttemptTimeout);
        });
        return builder;
    }
}
