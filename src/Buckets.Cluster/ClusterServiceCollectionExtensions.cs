using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Buckets.Cluster;

/// <summary>Options and the start-up schema check of the Cluster profile.</summary>
public static class ClusterServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="PostgresClusterOptions"/> from <c>Buckets:Cluster</c> (validated at start)
    /// and registers <see cref="PostgresSchemaStartupCheck"/>, which runs before the silo joins
    /// membership. <paramref name="configure"/> runs after binding (tests, overrides).
    /// </summary>
    public static IServiceCollection AddBucketsPostgresChecks(this IServiceCollection services, Action<PostgresClusterOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PostgresClusterOptions>()
            .BindConfiguration(PostgresClusterOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<ILifecycleParticipant<ISiloLifecycle>, PostgresSchemaStartupCheck>());
        return services;
    }
}
