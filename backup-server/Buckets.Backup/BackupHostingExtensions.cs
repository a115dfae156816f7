using Buckets.Abstractions.Backup;
using Buckets.Backup.Cluster;
using Buckets.Backup.Console;
using Buckets.Backup.Endpoints;
using Buckets.Backup.Events;
using Buckets.Backup.Maintenance;
using Buckets.Backup.Pulling;
using Buckets.Backup.Status;
using Buckets.Backup.Storage;
using Buckets.Backup.Uploads;
using Buckets.Hosting;
using Buckets.Hosting.OpenApi;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Buckets.Backup;

/// <summary>
/// DI wiring of the backup service. <see cref="AddBackupCore"/> is everything but where changes come
/// from, so the development profile can host it inside the silo process; <see cref="AddBackupServer"/>
/// is the standalone server that pulls registered silos over HTTP.
/// </summary>
public static class BackupHostingExtensions
{
    public static IHostApplicationBuilder AddBackupCore(this IHostApplicationBuilder builder)
    {
        builder.AddBucketsHttp();
        var services = builder.Services;
        services.AddOptions<BackupStoreOptions>().BindConfiguration(BackupStoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PullOptions>().BindConfiguration(PullOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StatusOptions>().BindConfiguration(StatusOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BackupClusterOptions>().BindConfiguration(BackupClusterOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<BackupClusterOptions>, BackupClusterOptionsValidator>();
        services.AddOptions<ReplicationOptions>().BindConfiguration(ReplicationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ResyncOptions>().BindConfiguration(ResyncOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ReplicaResync>();
        services.TryAddSingleton<BucketMoves>();
        services.TryAddSingleton<PeerMonitor>();
        services.AddOptions<SweepOptions>().BindConfiguration(SweepOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SweepOptions>, SweepOptionsValidator>());
        services.TryAddSingleton<SweepMetrics>();
        services.TryAddSingleton<IntegritySweep>();
        services.AddHostedService(sp => sp.GetRequiredService<IntegritySweep>());
        services.AddOptions<MaintenanceOptions>().BindConfiguration(MaintenanceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EventOptions>().BindConfiguration(EventOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<BackupAdminOptions>().BindConfiguration(BackupAdminOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EventOptions>, EventOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<BackupEventLog>();
        services.TryAddSingleton<IBackupStore, FileBackupStore>();
        services.TryAddSingleton<StoreIncarnation>();
        services.TryAddSingleton(sp => new BackupHealth(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<StatusOptions>>(),
            sp.GetRequiredService<IOptions<BackupStoreOptions>>().Value.DataDirectory,
            sp.GetRequiredService<BackupEventLog>(),
            sp.GetRequiredService<IOptions<EventOptions>>()));
        services.TryAddSingleton<BackupMetrics>();
        services.TryAddSingleton<BackupIngest>();
        services.AddHostedService<BackupPuller>();
        services.AddHostedService<CompactionService>();
        builder.AddBucketsConsole();
        return builder;
    }

    public static IHostApplicationBuilder AddBackupServer(this IHostApplicationBuilder builder)
    {
        builder.AddBackupCore();
        builder.AddBucketsOpenApi("Buckets backup server");
        builder.Services.AddSingleton<SiloRegistry>();
        builder.Services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<UploadOptions>, UploadOptionsValidator>();
        builder.Services.AddSingleton<UploadSpool>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<UploadSpool>());
        builder.Services.AddSingleton<IChangeFeedSource, RegisteredSilosFeedSource>();
        builder.Services.TryAddSingleton<IConsoleRestorer, SiloConsoleRestorer>();
        builder.Services.AddHttpClient(SiloConsoleRestorer.HttpClientName, (sp, client) =>
            client.Timeout = sp.GetRequiredService<IOptions<PullOptions>>().Value.RequestTimeout);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplicaResync>());
        builder.Services.TryAddSingleton<PeerReplicas>();
        builder.Services.TryAddSingleton<IPeerReplicas>(sp => sp.GetRequiredService<PeerReplicas>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BucketMoves>());
        builder.Services.AddHostedService<ServerListHistory>();
        builder.Services.AddHttpClient(PeerReplicas.HttpClientName, (sp, client) =>
            client.Timeout = sp.GetRequiredService<IOptions<PullOptions>>().Value.RequestTimeout);
        builder.Services.AddHostedService(sp => sp.GetRequiredService<PeerMonitor>());
        builder.Services.AddHttpClient(PeerMonitor.HttpClientName, (sp, client) =>
            client.Timeout = sp.GetRequiredService<IOptions<PullOptions>>().Value.RequestTimeout);
        builder.Services.AddHttpClient(HttpChangeFeed.HttpClientName, (sp, client) =>
            client.Timeout = sp.GetRequiredService<IOptions<PullOptions>>().Value.RequestTimeout);
        builder.Services.AddHealthChecks().AddCheck<DataDirectoryHealthCheck>("data-directory", tags: [BucketsHostingExtensions.ReadyTag]);
        return builder;
    }

    public static IEndpointRouteBuilder MapBackupServer(this IEndpointRouteBuilder app)
    {
        app.MapBucketsHealthAndMetrics();
        app.MapBucketsOpenApi();
        app.MapInternalBackupEndpoints();
        app.MapBackupAdminEndpoints();
        app.MapBucketsConsole();
        return app;
    }
}
