using Buckets.Cluster.Tls;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Buckets.Cluster;

/// <summary>Silo wiring of the Cluster profile: membership and bucket metadata in PostgreSQL, mutual TLS between silos.</summary>
public static class ClusterSiloBuilderExtensions
{
    /// <summary>
    /// Uses PostgreSQL (through Npgsql) for Orleans membership and registers the
    /// <see cref="PostgresClusterDefaults.MetadataStorageName"/> grain storage in the same database.
    /// The schema must exist (<c>buckets db init</c>), or pair this with
    /// <see cref="ClusterServiceCollectionExtensions.AddBucketsPostgresChecks"/> and
    /// <see cref="PostgresClusterOptions.ApplySchemaOnStart"/>. Silos sharing a <c>ClusterId</c>
    /// form one cluster; grain state is keyed by <c>ServiceId</c>, so it outlives cluster ids.
    /// </summary>
    /// <exception cref="ArgumentException">The connection string is empty.</exception>
    public static ISiloBuilder UseBucketsPostgres(this ISiloBuilder silo, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException(
                $"{PostgresClusterOptions.SectionName}:{nameof(PostgresClusterOptions.PostgresConnectionString)} is required in the Cluster profile.",
                nameof(connectionString));
        }

        silo.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresClusterDefaults.Invariant;
            options.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage(PostgresClusterDefaults.MetadataStorageName, options =>
        {
            options.Invariant = PostgresClusterDefaults.Invariant;
            options.ConnectionString = connectionString;
            // Clearing a bucket's metadata (erase) deletes its row instead of leaving an empty one.
            options.DeleteStateOnClear = true;
        });
        return silo;
    }

    /// <summary>
    /// Requires mutual TLS on every silo connection, inbound and outbound (and on the client gateway,
    /// should one ever be opened): each side presents the certificate of <see cref="ClusterTlsOptions"/>
    /// and accepts only a peer whose certificate chains to its CA file. A connection without a
    /// certificate, with one from another CA, or not speaking TLS is closed before Orleans reads a
    /// byte of it. Binds <see cref="ClusterTlsOptions"/> from <c>Buckets:Cluster:Tls</c>, validated at
    /// start: a silo with missing or unusable certificate files does not start, so there is no
    /// plaintext fallback.
    /// </summary>
    public static ISiloBuilder UseBucketsClusterTls(this ISiloBuilder silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var services = silo.Services;
        services.AddOptions<ClusterTlsOptions>()
            .BindConfiguration(ClusterTlsOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClusterTlsOptions>, ClusterTlsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ClusterCertificates>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(provider => provider.GetRequiredService<ClusterCertificates>());
        services.AddOptions<SiloConnectionOptions>().Configure<ClusterCertificates, IOptions<ClusterTlsOptions>>((connections, certificates, settings) =>
        {
            var tls = new TlsOptions
            {
                // Selectors instead of a fixed certificate, so a renewed Secret is used without a restart.
                LocalServerCertificateSelector = (_, _) => certificates.LocalCertificate,
                LocalClientCertificateSelector = (_, _, _, _, _) => certificates.LocalCertificate,
                RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
                // "Require" would demand a fixed LocalCertificate up front; the selector always supplies one.
                ClientCertificateMode = RemoteCertificateMode.AllowCertificate,
                RemoteCertificateValidation = certificates.IsTrustedPeer,
                // Both ends are Buckets silos on the same runtime, so nothing needs the older protocol.
                SslProtocols = System.Security.Authentication.SslProtocols.Tls13,
                HandshakeTimeout = settings.Value.HandshakeTimeout,
            };
            connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(tls));
            connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(tls));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(tls));
        });
        return silo;
    }
}
