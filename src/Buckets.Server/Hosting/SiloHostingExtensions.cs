using System.Net;
using Buckets.Core;
using Buckets.Grains;
using Buckets.Server.Endpoints;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Buckets.Server.Hosting;

/// <summary>Configures the Orleans silo for the selected profile. Tests call the same method.</summary>
public static class SiloHostingExtensions
{
    public static IHostApplicationBuilder AddBucketsSilo(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BucketGrainOptions>().BindConfiguration(BucketGrainOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BucketsMetrics>();
        services.AddHealthChecks().AddCheck<SiloReadyHealthCheck>("silo", tags: [HealthEndpoints.ReadyTag]);

        var hosting = builder.Configuration.GetSection(HostingOptions.SectionName).Get<HostingOptions>() ?? new HostingOptions();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = hosting.ClusterId;
                o.ServiceId = hosting.ServiceId;
            });
            silo.UseLocalhostClustering(hosting.SiloPort, hosting.GatewayPort, serviceId: hosting.ServiceId, clusterId: hosting.ClusterId);
            silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<BucketGrainOptions>>((collection, grain) =>
            {
                collection.ClassSpecificCollectionAge[typeof(BucketGrain).FullName!] = grain.Value.IdleTimeout;
                // Idle checks must run more often than the shortest idle timeout or it is not honoured.
                if (collection.CollectionQuantum > grain.Value.IdleTimeout / 2)
                {
                    collection.CollectionQuantum = grain.Value.IdleTimeout / 2;
                }
            });
            if (hosting.AdvertisedAddress is { Length: > 0 } address)
            {
                silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Parse(address));
            }
        });
        return builder;
    }
}
