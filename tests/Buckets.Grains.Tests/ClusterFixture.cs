using Buckets.Backup.Storage;
using Buckets.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;

namespace Buckets.Grains.Tests;

/// <summary>
/// A three-silo in-process cluster built with the production silo extensions. All silos share one
/// backup store in a temporary folder, as a cluster shares one backup server.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    private readonly string _backupDirectory = Path.Combine(Path.GetTempPath(), "buckets-grains-" + Guid.NewGuid().ToString("N"));
    private FileBackupStore? _store;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    /// <summary>True while bucket <paramref name="id"/> has an activation on some silo.</summary>
    public async Task<bool> IsActiveAsync(string id)
    {
        var stats = await Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return stats.Any(s => s.GrainId.Key.ToString() == id);
    }

    /// <summary>Waits, polling every 200 ms, until bucket <paramref name="id"/> is deactivated; fails with <paramref name="what"/> past <paramref name="deadline"/>.</summary>
    public async Task WaitDeactivatedAsync(string id, string what, TimeSpan deadline)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (await IsActiveAsync(id))
        {
            Assert.True(clock.Elapsed < deadline, $"{what} {id} still active after {clock.Elapsed}");
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    protected virtual short Silos => 3;

    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Buckets:Limits:MaxEntriesPerBucket"] = "100",
    };

    public async ValueTask InitializeAsync()
    {
        _store = new FileBackupStore(
            Options.Create(new BackupStoreOptions { DataDirectory = _backupDirectory }),
            TimeProvider.System,
            NullLogger<FileBackupStore>.Instance);
        var settings = new Dictionary<string, string?>(Settings)
        {
            ["Backup:Store:DataDirectory"] = _backupDirectory,
            ["Backup:Pull:Interval"] = "00:00:00.100",
            // The start-up checks want 32 random bytes per secret; fresh ones for every cluster.
            ["Buckets:Security:AdminToken"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Buckets:Security:InternalToken"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["Buckets:Security:ClusterSecret"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        };
        var builder = new InProcessTestClusterBuilder(Silos);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            host.Services.AddSingleton<IBackupStore>(_store);
            ConfigureServices(host.Services);
            host.AddBucketsServices();
        });
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddBucketsGrains().AddMemoryGrainStorage(BucketMetadata.StorageName);
            ConfigureSilo(silo);
        });
        builder.ConfigureClient(ConfigureClient);
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>Services registered before the production ones, which only add what is missing (a fake backup client, say).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    /// <summary>Silo settings a test fixture adds (Orleans' own options, say).</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    /// <summary>Settings of the test's cluster client.</summary>
    protected virtual void ConfigureClient(IClientBuilder client)
    {
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        _store?.Dispose();
        if (Directory.Exists(_backupDirectory))
        {
            Directory.Delete(_backupDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }
}
