using Buckets.Hosting.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Buckets.Resp;

/// <summary>Registers the Redis-protocol listener of a silo (settings <c>Buckets:Resp</c>).</summary>
public static class RespServiceCollectionExtensions
{
    /// <summary>Adds the RESP listener; it needs the API-key validator, the failed-authentication limiter and an Orleans grain factory.</summary>
    public static IHostApplicationBuilder AddBucketsResp(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<RespOptions>().BindConfiguration(RespOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RespOptions>, RespOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(typeof(Core.GrainReferences<>));
        services.AddSingleton<RespServer>();
        services.AddSingleton<RespConnectionHandler>();
        services.AddSingleton<ICodeListener, RespListener>();
        return builder;
    }
}
