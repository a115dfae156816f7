using Buckets.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.TestingHost;

namespace Buckets.Grains.Tests;

/// <summary>A three-silo in-process cluster built with the production silo extensions.</summary>
public class ClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    protected virtual short Silos => 3;

    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Buckets:Limits:MaxEntriesPerBucket"] = "100",
    };

    public async ValueTask InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(Silos);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(Settings);
            host.AddBucketsServices();
        });
        builder.ConfigureSilo((_, silo) => silo.AddBucketsGrains());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
