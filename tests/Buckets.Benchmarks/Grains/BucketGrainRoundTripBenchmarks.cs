using BenchmarkDotNet.Attributes;
using Buckets.Abstractions;
using Buckets.Grains;
using Buckets.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.TestingHost;

namespace Buckets.Benchmarks.Grains;

/// <summary>
/// A grain round-trip on a one-silo in-process Orleans cluster configured exactly as production
/// (<see cref="SiloHostingExtensions.AddBucketsServices"/> and <see cref="SiloHostingExtensions.AddBucketsGrains"/>,
/// plus the in-memory metadata storage the development profile adds),
/// backups off (<c>Buckets:Backup:Mode=None</c>). "InSilo" calls go through the silo's own
/// <see cref="IGrainFactory"/>, the path the HTTP endpoints take; "Client" goes through the
/// external cluster client and gateway. "x64" keeps 64 calls in flight on one bucket (the shape
/// of 64 HTTP connections on one API key) and reports the time per call.
/// </summary>
[MemoryDiagnoser]
public class BucketGrainRoundTripBenchmarks
{
    private const int KeySpace = 1000;
    private const int InFlight = 64;

    private readonly byte[] _value = "a value of thirty-two bytes ...."u8.ToArray();
    private readonly Task<BucketValue?>[] _gets = new Task<BucketValue?>[InFlight];
    private readonly Task<WriteResult>[] _sets = new Task<WriteResult>[InFlight];
    private InProcessTestCluster _cluster = null!;
    private IBucketGrain _inSilo = null!;
    private IBucketGrain _viaClient = null!;
    private IGrainFactory _siloGrains = null!;
    private GrainInterfaceType _interfaceType;
    private GrainType _grainType;
    private string[] _keys = [];
    private int _next;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Buckets:Backup:Mode"] = "None",
                ["Buckets:Security:AdminToken"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                ["Buckets:Security:InternalToken"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
                ["Buckets:Security:ClusterSecret"] = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            });
            host.AddBucketsServices();
        });
        // As the grain tests do: the development profile registers this storage in AddBucketsSilo.
        builder.ConfigureSilo((_, silo) => silo.AddBucketsGrains().AddMemoryGrainStorage(BucketMetadata.StorageName));
        _cluster = builder.Build();
        await _cluster.DeployAsync();

        var services = _cluster.Silos[0].ServiceProvider;
        _siloGrains = services.GetRequiredService<IGrainFactory>();
        _inSilo = _siloGrains.GetGrain<IBucketGrain>("bench");
        _interfaceType = services.GetRequiredService<GrainInterfaceTypeResolver>().GetGrainInterfaceType(typeof(IBucketGrain));
        _grainType = services.GetRequiredService<GrainInterfaceTypeToGrainTypeResolver>().GetGrainType(_interfaceType);
        _viaClient = _cluster.Client.GetGrain<IBucketGrain>("bench");
        _keys = [.. Enumerable.Range(0, KeySpace).Select(i => "user:" + i.ToString("D11", System.Globalization.CultureInfo.InvariantCulture))];
        foreach (var key in _keys)
        {
            await _inSilo.SetAsync(new SetCommand(key, _value));
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync() => await _cluster.DisposeAsync();

    [Benchmark(Baseline = true)]
    public async Task<BucketValue?> Get_InSilo() => await _inSilo.GetAsync(NextKey());

    [Benchmark]
    public async Task<WriteResult> Set_InSilo() => await _inSilo.SetAsync(new SetCommand(NextKey(), _value));

    [Benchmark]
    public async Task<WriteResult> Set_Ttl_InSilo() => await _inSilo.SetAsync(new SetCommand(NextKey(), _value, 3600));

    [Benchmark]
    public async Task<BucketValue?> Get_Client() => await _viaClient.GetAsync(NextKey());

    [Benchmark(OperationsPerInvoke = InFlight)]
    public async Task Get_InSilo_x64()
    {
        for (var i = 0; i < InFlight; i++)
        {
            _gets[i] = _inSilo.GetAsync(NextKey()).AsTask();
        }

        await Task.WhenAll(_gets);
    }

    [Benchmark(OperationsPerInvoke = InFlight)]
    public async Task Set_InSilo_x64()
    {
        for (var i = 0; i < InFlight; i++)
        {
            _sets[i] = _inSilo.SetAsync(new SetCommand(NextKey(), _value)).AsTask();
        }

        await Task.WhenAll(_sets);
    }

    /// <summary>What every HTTP request does first: <c>grains.GetGrain&lt;IBucketGrain&gt;(bucketId)</c>.</summary>
    [Benchmark]
    public IBucketGrain GetGrainReference() => _siloGrains.GetGrain<IBucketGrain>(NextKey());

    /// <summary>The same reference from a grain type and interface type resolved once.</summary>
    [Benchmark]
    public IBucketGrain GetGrainReference_Resolved() => (IBucketGrain)_siloGrains.GetGrain(GrainId.Create(_grainType, NextKey()), _interfaceType);

    private string NextKey() => _keys[_next++ % KeySpace];
}
