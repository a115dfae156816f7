using System.Net;
using Buckets.Cluster;
using Buckets.Core;
using Buckets.Core.Feed;
using Buckets.Grains;
using Buckets.Grains.Memory;
using Buckets.Hosting;
using Buckets.Server.Backup;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Buckets.Server.Hosting;

/// <summary>
/// Configures the Orleans silo for the selected profile. The in-process test cluster calls
/// <see cref="AddBucketsServices"/> and <see cref="AddBucketsGrains"/> too, so tests and
/// production share one configuration; only clustering differs.
/// </summary>
public static class SiloHostingExtensions
{
    // Orleans opens no client gateway on port 0. Nothing here uses an Orleans client (the HTTP API
    // and the backup server talk HTTP), and an open gateway would let any process that knows the
    // cluster and service ids call every bucket grain.
    private const int NoGateway = 0;

    public static IHostApplicationBuilder AddBucketsSilo(this IHostApplicationBuilder builder)
    {
        builder.AddBucketsServices();
        builder.Services.AddHealthChecks().AddCheck<SiloReadyHealthCheck>("silo", tags: [BucketsHostingExtensions.ReadyTag]);
        var hosting = builder.Configuration.GetSection(HostingOptions.SectionName).Get<HostingOptions>() ?? new HostingOptions();
        builder.UseOrleans(silo =>
        {
            silo.AddBucketsGrains();
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = hosting.ClusterId;
                o.ServiceId = hosting.ServiceId;
            });
            silo.Services.AddBucketsFailureDetection();
            if (hosting.Profile == HostingProfile.Cluster)
            {
                UseCluster(silo, builder.Configuration, hosting);
            }
            else
            {
                silo.UseLocalhostClustering(hosting.SiloPort, NoGateway, serviceId: hosting.ServiceId, clusterId: hosting.ClusterId);
                silo.AddMemoryGrainStorage(BucketMetadata.StorageName);
                silo.Services.AddSingleton(services => new SiloPeers(
                    services.GetRequiredService<IClusterMembershipService>(),
                    services.GetRequiredService<ILocalSiloDetails>(),
                    metadataEndsWithCluster: true));
            }
        });
        return builder;
    }

    /// <summary>
    /// Membership and bucket metadata in PostgreSQL, mutual TLS between silos; the silo advertises
    /// its pod address and listens on every interface, but only for its peers.
    /// </summary>
    private static void UseCluster(ISiloBuilder silo, IConfiguration configuration, HostingOptions hosting)
    {
        var connectionString = configuration.GetSection(PostgresClusterOptions.SectionName).Get<PostgresClusterOptions>()?.PostgresConnectionString;
        silo.Services.AddBucketsPostgresChecks();
        // Before any early return: whatever else is misconfigured, no Cluster silo ever listens in plaintext.
        silo.UseBucketsClusterTls();
        if (string.IsNullOrEmpty(connectionString))
        {
            // Start-up validation of PostgresClusterOptions names the missing setting.
            return;
        }

        silo.UseBucketsPostgres(connectionString);
        silo.Configure<EndpointOptions>(o =>
        {
            o.SiloPort = hosting.SiloPort;
            o.GatewayPort = NoGateway;
            o.AdvertisedIPAddress = hosting.AdvertisedAddress is { Length: > 0 } address ? IPAddress.Parse(address) : IPAddress.Loopback;
            o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, hosting.SiloPort);
            o.GatewayListeningEndpoint = null;
        });
    }

    /// <summary>Options and services the bucket grains need, whatever the clustering.</summary>
    public static IHostApplicationBuilder AddBucketsServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<HostingOptions>().BindConfiguration(HostingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BucketGrainOptions>().BindConfiguration(BucketGrainOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<BucketGrainOptions>, BucketGrainOptionsValidator>();
        services.AddOptions<ChangeFeedOptions>().BindConfiguration(ChangeFeedOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChangeFeedOptions>, ChangeFeedOptionsValidator>();
        services.TryAddSingleton<FeedSubscriptions>();
        services.AddOptions<MemoryOptions>().BindConfiguration(MemoryOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<MemoryOptions>, MemoryOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<MemoryPressure>();
        services.TryAddSingleton(sp =>
        {
            var grain = sp.GetRequiredService<IOptions<BucketGrainOptions>>().Value;
            return new DirectReads(grain.DirectReads, IdleAge(sp), sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton(sp => new DirectWrites(sp.GetRequiredService<IOptions<BucketGrainOptions>>().Value.DirectWrites, IdleAge(sp)));
        services.TryAddSingleton(typeof(GrainReferences<>));
        services.TryAddSingleton<SiloPeers>();
        services.TryAddSingleton<IMemoryGauge, GcMemoryGauge>();
        services.TryAddSingleton<MemoryPressureMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<MemoryPressureMonitor>());
        services.TryAddSingleton<BucketsMetrics>();
        builder.AddBucketsBackup();
        return builder;
    }

    /// <summary>Grain-level silo settings: the grain directory and idle collection of buckets.</summary>
    /// <summary>The least time without calls after which a bucket may be collected: its idle timeout, or the shorter age memory pressure collects at.</summary>
    private static TimeSpan IdleAge(IServiceProvider services)
    {
        var idleTimeout = services.GetRequiredService<IOptions<BucketGrainOptions>>().Value.IdleTimeout;
        var pressureIdleAge = services.GetRequiredService<IOptions<MemoryOptions>>().Value.PressureIdleAge;
        return idleTimeout < pressureIdleAge ? idleTimeout : pressureIdleAge;
    }

    public static ISiloBuilder AddBucketsGrains(this ISiloBuilder silo)
    {
        // The default directory loses the entries a dead silo owned, so a second activation of a
        // bucket can start beside the live one: an empty cache bucket, a fenced standard one. The
        // distributed directory rebuilds those entries from the surviving activations.
        silo.AddDistributedGrainDirectory();
        silo.Services.AddOptions<GrainCollectionOptions>().Configure<IOptions<BucketGrainOptions>>((collection, grain) =>
        {
            collection.ClassSpecificCollectionAge[typeof(BucketGrain).FullName!] = grain.Value.IdleTimeout;
            // Idle checks must run more often than the shortest idle timeout or it is not honoured.
            if (collection.CollectionQuantum > grain.Value.IdleTimeout / 2)
            {
                collection.CollectionQuantum = grain.Value.IdleTimeout / 2;
            }
        });
        return silo;
    }
}
