using Buckets.Backup;
using Buckets.Backup.Pulling;
using Buckets.Backup.Storage;
using Buckets.Grains.Backup;
using Buckets.Hosting;
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
        services.TryAddSingleton<DirtyBuckets>();
        services.TryAddSingleton<PullCoordinator>();

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
                services.AddHttpClient<IBackupClient, HttpBackupClient>((sp, client) =>
                {
                    ConfigureBackupServer(sp, client);
                    client.Timeout = Timeout.InfiniteTimeSpan;
                });
                services.AddHttpClient(SiloAnnouncer.HttpClientName, ConfigureBackupServer);
                services.AddHostedService<SiloAnnouncer>();
                break;
            default:
                builder.AddBucketsHttp();
                services.TryAddSingleton<IBackupClient, DisabledBackupClient>();
                break;
        }

        return builder;
    }

    private static void ConfigureBackupServer(IServiceProvider services, HttpClient client)
    {
        var options = services.GetRequiredService<IOptions<BackupClientOptions>>().Value;
        client.BaseAddress = options.ServerUrl;
        client.Timeout = options.RequestTimeout;
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
