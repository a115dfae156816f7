using Buckets.Abstractions.Backup;
using Buckets.Backup;
using Buckets.Backup.Pulling;
using Buckets.Backup.Storage;
using Buckets.Grains.Backup;
using Buckets.Hosting;
using Buckets.Hosting.Security;
using Buckets.Server.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Backup;

/// <summary>Wires the silo to its backup service according to <see cref="BackupClientOptions.Mode"/>.</summary>
public static class BackupClientHostingExtensions
{
    private const string BackupFolder = "backups";

    public static IHostApplicationBuilder AddBucketsBackup(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<BackupClientOptions>().BindConfiguration(BackupClientOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<BackupClientOptions>, BackupClientOptionsValidator>();
        services.AddOptions<ReplicationOptions>().BindConfiguration(ReplicationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<DirtyBuckets>();
        services.TryAddSingleton<ActiveBuckets>();
        services.TryAddSingleton<PullCoordinator>();
        services.TryAddSingleton(CreateReplicas);

        var mode = builder.Configuration.GetSection(BackupClientOptions.SectionName).Get<BackupClientOptions>()?.Mode ?? BackupMode.InProcess;
        switch (mode)
        {
            case BackupMode.InProcess:
                UseDataDirectoryForBackups(builder);
                builder.AddBackupCore();
                services.TryAddSingleton<IChangeFeedSource, InProcessChangeFeedSource>();
                services.TryAddSingleton<IBackupClient, InProcessBackupClient>();
                break;
            case BackupMode.Remote:
                builder.AddBucketsHttp();
                // No client-wide timeout: HttpBackupClient times each call by what it carries.
                services.AddHttpClient(HttpBackupClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
                services.AddHttpClient(SiloAnnouncer.HttpClientName, (sp, client) => client.Timeout = sp.GetRequiredService<IOptions<BackupClientOptions>>().Value.RequestTimeout);
                services.AddHostedService<SiloAnnouncer>();
                break;
            default:
                builder.AddBucketsHttp();
                services.TryAddSingleton<IBackupClient, DisabledBackupClient>();
                break;
        }

        return builder;
    }

    /// <summary>
    /// Remote mode: one replica per listed server, over HTTP. Otherwise the one backup service this
    /// process has (in-process, or a test's), or none when backups are off.
    /// </summary>
    private static BackupReplicas CreateReplicas(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<BackupClientOptions>>().Value;
        var replication = services.GetRequiredService<IOptions<ReplicationOptions>>().Value;
        if (options.Mode == BackupMode.Remote)
        {
            var clients = services.GetRequiredService<IHttpClientFactory>();
            var token = services.GetRequiredService<InternalToken>();
            var settings = services.GetRequiredService<IOptions<BackupClientOptions>>();
            return new BackupReplicas(
                [.. options.EffectiveServers.Select((server, index) => new BackupReplica(index, ReplicaPlacement.ServerId(server), new HttpBackupClient(clients, server, token, settings)))],
                replication);
        }

        var local = services.GetRequiredService<IBackupClient>();
        return new BackupReplicas(local.IsEnabled ? [new BackupReplica(0, BackupReplicas.LocalId, local)] : [], replication);
    }

    /// <summary>Development keeps backups beside its secrets unless Backup:Store:DataDirectory says otherwise.</summary>
    private static void UseDataDirectoryForBackups(IHostApplicationBuilder builder)
    {
        var key = $"{BackupStoreOptions.SectionName}:DataDirectory";
        if (string.IsNullOrEmpty(builder.Configuration[key]))
        {
            var hosting = builder.Configuration.GetSection(HostingOptions.SectionName).Get<HostingOptions>() ?? new HostingOptions();
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = Path.Combine(hosting.DataDirectory, BackupFolder) });
        }
    }
}
