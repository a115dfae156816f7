using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Buckets.Cluster.Tests.Infrastructure;

/// <summary>
/// A real silo host wired like the Cluster profile (<see cref="ClusterSiloBuilderExtensions.UseBucketsPostgres"/>
/// + <see cref="ClusterServiceCollectionExtensions.AddBucketsPostgresChecks"/>), on loopback ports
/// that are fresh for every silo: a silo restarted on its predecessor's address and port within
/// about a second can be declared dead.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    public const string ServiceId = "buckets-cluster-tests";

    private readonly CapturingLoggerProvider _logs;
    private bool _stopped;

    private TestSilo(IHost host, CapturingLoggerProvider logs, int siloPort, int gatewayPort)
    {
        Host = host;
        _logs = logs;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public IHost Host { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>Warnings and errors the silo logged so far.</summary>
    public string Logs => _logs.Text;

    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Builds a silo without starting it.</summary>
    public static TestSilo Create(string connectionString, string clusterId, bool applySchemaOnStart = false)
    {
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var logs = new CapturingLoggerProvider();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(logs);
        builder.Services.AddBucketsPostgresChecks(options =>
        {
            options.PostgresConnectionString = connectionString;
            options.ApplySchemaOnStart = applySchemaOnStart;
        });
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = clusterId;
                options.ServiceId = ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort, listenOnAnyHostAddress: false);
            silo.UseBucketsPostgres(connectionString);
        });
        return new TestSilo(builder.Build(), logs, siloPort, gatewayPort);
    }

    /// <summary>Builds and starts a silo; on failure the exception carries the silo's log.</summary>
    public static async Task<TestSilo> StartAsync(string connectionString, string clusterId, bool applySchemaOnStart = false)
    {
        var silo = Create(connectionString, clusterId, applySchemaOnStart);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await silo.Host.StartAsync(timeout.Token);
            return silo;
        }
        catch (Exception ex)
        {
            var logs = silo.Logs;
            await silo.DisposeAsync();
            throw new InvalidOperationException($"Silo on port {silo.SiloPort} failed to start: {ex.Message}\nSilo log:\n{logs}", ex);
        }
    }

    /// <summary>Graceful shutdown: the silo marks itself Dead in the membership table.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await Host.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or OrleansException)
        {
            // A silo that never started or is already half down has nothing left to stop.
        }

        Host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
