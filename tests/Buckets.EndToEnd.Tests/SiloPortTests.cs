using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Buckets.Abstractions;
using Buckets.Cluster;
using Buckets.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Runtime.Messaging;

namespace Buckets.EndToEnd.Tests;

/// <summary>
/// The Orleans ports of Cluster-profile silos on 127.0.0.1: the silos form a cluster over mutual
/// TLS and serve buckets, while an Orleans client with the right cluster and service ids, a plain
/// TCP peer, and TLS peers without the cluster CA's certificate reach no grain and complete no
/// Orleans handshake.
/// </summary>
[Trait("Category", "E2E")]
public sealed class SiloPortTests(SiloPortTests.TwoSilos fixture) : IClassFixture<SiloPortTests.TwoSilos>
{
    private const int ActiveStatus = 3;
    private const byte TlsAlertRecord = 0x15;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly Lazy<string> ClusterLeafThumbprint = new(() =>
    {
        using var leaf = TestCertificates.Shared.Cluster.LoadCertificate();
        return leaf.GetCertHashString();
    });

    [Fact]
    public async Task SilosJoinEachOtherOverMutualTlsAndServeBucketsWithTheGatewayClosed()
    {
        var cluster = fixture.Cluster;
        // A joining silo must reach the active ones over its silo connection, so two Active rows mean the TLS handshakes succeeded.
        var rows = await Poll.UntilAsync(
            () => MembersAsync(cluster),
            r => Enumerable.Range(0, cluster.SiloCount).All(i => r.Any(m => m.Port == cluster.SiloPort(i) && m.Status == ActiveStatus)),
            Bound,
            $"silos on ports {cluster.SiloPort(0)} and {cluster.SiloPort(1)} Active in the membership table");
        Assert.All(rows, r => Assert.Equal(0, r.ProxyPort));

        // Buckets minted and written through one silo read back through the other: some live on each.
        for (var i = 0; i < 8; i++)
        {
            var key = await ServerHarness.MintKeyAsync(cluster.Silo(0), Deployment.AdminToken);
            using var writer = cluster.Silo(0).CreateClient(key.ApiKey);
            using var reader = cluster.Silo(1).CreateClient(key.ApiKey);
            Assert.Equal(HttpStatusCode.Created, await Deployment.PutAsync(writer, "k", "value " + i));
            Assert.Equal("value " + i, await reader.GetStringAsync("/v1/keys/k", TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task AnOrleansClientWithTheClusterIdsFindsNoGatewayInTheMembershipTable()
    {
        var error = await StartRogueClientAsync(client => client.UseAdoNetClustering(options =>
        {
            options.Invariant = PostgresClusterDefaults.Invariant;
            options.ConnectionString = fixture.Cluster.PostgresConnectionString;
        }));

        var unavailable = Assert.IsType<SiloUnavailableException>(error);
        Assert.Contains("Could not find any gateway", unavailable.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("rogue")]
    [InlineData("cluster")]
    public async Task AnOrleansClientAimedAtTheSiloPortIsRefusedWhateverItsCertificate(string? certificate)
    {
        var silo = new IPEndPoint(IPAddress.Loopback, fixture.Cluster.SiloPort(0));
        var error = await StartRogueClientAsync(client =>
        {
            client.UseStaticClustering(silo);
            if (certificate is not null)
            {
                // Even the cluster's own certificate opens nothing: the silo port takes no client connections.
                var identity = certificate == "cluster" ? TestCertificates.Shared.Cluster : TestCertificates.Shared.Rogue;
                client.UseTls(identity.LoadCertificate(), tls => tls.AllowAnyRemoteCertificate());
            }
        });

        // Refused at connection set-up, not merely slow: the client gives up before its bound.
        Assert.True(error is ConnectionFailedException, $"expected a refused connection, got {error}");
    }

    [Fact]
    public async Task APlainTcpPeerIsDisconnectedWithoutAnOrleansHandshake()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, fixture.Cluster.SiloPort(0), TestContext.Current.CancellationToken);
        var stream = tcp.GetStream();
        // What a plaintext Orleans peer opens with: a little-endian length, then its preamble.
        byte[] opening = [16, 0, 0, 0, .. new byte[16]];
        await stream.WriteAsync(opening, TestContext.Current.CancellationToken);

        var (received, closed) = await ReadUntilClosedAsync(stream);

        Assert.True(closed, $"the silo kept a plaintext connection open for {Bound}");
        Assert.True(received.Length == 0 || received[0] == TlsAlertRecord, $"the silo answered plaintext with {Convert.ToHexString(received)}");
        AssertNoOrleansPreamble(received);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ATlsPeerWithoutTheClusterCertificateIsRefused(bool presentRogueCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, fixture.Cluster.SiloPort(0), TestContext.Current.CancellationToken);
        using var rogue = presentRogueCertificate ? TestCertificates.Shared.Rogue.LoadCertificate() : null;
        await using var tls = new SslStream(tcp.GetStream());

        byte[] received;
        bool closed;
        try
        {
            await tls.AuthenticateAsClientAsync(ClientOptions(rogue), TestContext.Current.CancellationToken);
            // TLS 1.3 finishes the client's side before the server has judged the client's certificate: the refusal arrives on the first read.
            (received, closed) = await ReadUntilClosedAsync(tls);
        }
        catch (Exception ex) when (ex is AuthenticationException or IOException)
        {
            (received, closed) = ([], true);
        }

        Assert.True(closed, $"the silo kept a TLS connection {(rogue is null ? "without a certificate" : "with another CA's certificate")} open for {Bound}");
        AssertNoOrleansPreamble(received);
    }

    [Fact]
    public async Task ATlsPeerWithTheClusterCertificateGetsTheSilosOrleansPreamble()
    {
        // The control for the refusals above: the same client with the right certificate gets an Orleans handshake.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, fixture.Cluster.SiloPort(0), TestContext.Current.CancellationToken);
        using var certificate = TestCertificates.Shared.Cluster.LoadCertificate();
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(ClientOptions(certificate), TestContext.Current.CancellationToken);

        var received = await ReadUntilAsync(tls, bytes => Contains(bytes, ClusterIdBytes()));

        Assert.True(Contains(received, ClusterIdBytes()), $"no Orleans preamble naming cluster {fixture.Cluster.ClusterId}; received {Convert.ToHexString(received)}");
    }

    [Fact]
    public async Task AClusterSiloWithoutCertificateSettingsRefusesToStartAndNamesThem()
    {
        var error = await StartExtraSiloExpectingRefusalAsync("silo-no-tls", new Dictionary<string, string?>
        {
            ["Buckets:Cluster:Tls:CertificatePath"] = null,
            ["Buckets:Cluster:Tls:PrivateKeyPath"] = null,
            ["Buckets:Cluster:Tls:CaCertificatePath"] = null,
        });

        Assert.Contains("Buckets:Cluster:Tls:CertificatePath is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Buckets:Cluster:Tls:PrivateKeyPath is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("Buckets:Cluster:Tls:CaCertificatePath is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClusterSiloWhoseCertificateIsFromAnotherCaRefusesToStart()
    {
        var error = await StartExtraSiloExpectingRefusalAsync("silo-wrong-ca", new Dictionary<string, string?>
        {
            ["Buckets:Cluster:Tls:CertificatePath"] = TestCertificates.Shared.Rogue.CertificatePath,
            ["Buckets:Cluster:Tls:PrivateKeyPath"] = TestCertificates.Shared.Rogue.PrivateKeyPath,
        });

        Assert.Contains("Buckets:Cluster:Tls:CertificatePath: the certificate 'CN=buckets-silo' would be refused by its peers", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Starts a silo that must refuse to start; one that starts anyway is stopped before the test fails.</summary>
    private async Task<InvalidOperationException> StartExtraSiloExpectingRefusalAsync(string name, IReadOnlyDictionary<string, string?> overrides)
    {
        try
        {
            await using var started = await fixture.Cluster.StartExtraSiloAsync(name, overrides);
        }
        catch (InvalidOperationException refused)
        {
            return refused;
        }

        Assert.Fail($"{name} started and became ready although it should have refused to");
        throw new InvalidOperationException("unreachable");
    }

    private byte[] ClusterIdBytes() => Encoding.UTF8.GetBytes(fixture.Cluster.ClusterId);

    private void AssertNoOrleansPreamble(byte[] received) =>
        Assert.False(Contains(received, ClusterIdBytes()), $"the silo sent its Orleans preamble to a refused peer: {Convert.ToHexString(received)}");

    private static SslClientAuthenticationOptions ClientOptions(X509Certificate2? certificate) => new()
    {
        TargetHost = "buckets-silo",
        EnabledSslProtocols = SslProtocols.Tls13 | SslProtocols.Tls12,
        ClientCertificates = certificate is null ? null : [certificate],
        // The peer does reach the real silo; what is under test is whom the silo accepts.
        RemoteCertificateValidationCallback = (_, server, _, _) => server is not null && server.GetCertHashString() == ClusterLeafThumbprint.Value,
    };

    /// <summary>Starts an Orleans client with the cluster's ids; returns why it failed, or fails the test if it connected.</summary>
    private async Task<Exception> StartRogueClientAsync(Action<IClientBuilder> clustering)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = fixture.Cluster.ClusterId;
                options.ServiceId = "buckets";
            });
            clustering(client);
            // The first failure is the answer; retrying would only hide why it failed.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        using var host = builder.Build();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            return ex;
        }

        // Connected: show what it can do before failing, so the report says how bad it is.
        var grain = host.Services.GetRequiredService<IClusterClient>().GetGrain<IBucketGrain>("rogue-" + Guid.NewGuid().ToString("N"));
        var stats = await grain.GetStatsAsync();
        Assert.Fail($"a rogue Orleans client connected and read bucket stats ({stats})\n{fixture.Cluster.Output}");
        throw new InvalidOperationException("unreachable");
    }

    private static async Task<List<(int Port, int Status, int ProxyPort)>> MembersAsync(ClusterDeployment cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.PostgresConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT port, status, proxy_port FROM buckets_membership WHERE deployment_id = @cluster", connection);
        command.Parameters.AddWithValue("cluster", cluster.ClusterId);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        var rows = new List<(int, int, int)>();
        while (await reader.ReadAsync(TestContext.Current.CancellationToken))
        {
            rows.Add((reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2)));
        }

        return rows;
    }

    private static async Task<(byte[] Received, bool Closed)> ReadUntilClosedAsync(Stream stream)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    return (received.ToArray(), true);
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException)
        {
            return (received.ToArray(), true);
        }
        catch (OperationCanceledException)
        {
            return (received.ToArray(), false);
        }
    }

    private static async Task<byte[]> ReadUntilAsync(Stream stream, Func<byte[], bool> done)
    {
        using var timeout = new CancellationTokenSource(Bound);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            while (!done(received.ToArray()))
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                received.Write(buffer, 0, read);
            }
        }
        catch (OperationCanceledException)
        {
            // The caller's assertion reports what arrived before the bound.
        }

        return received.ToArray();
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>Two Cluster-profile silos and a backup server, shared by the tests of this class.</summary>
    public sealed class TwoSilos : IAsyncLifetime
    {
        private ClusterDeployment? _cluster;

        public ClusterDeployment Cluster => _cluster ?? throw new InvalidOperationException("the cluster has not started");

        public async ValueTask InitializeAsync() => _cluster = await ClusterDeployment.StartAsync(silos: 2);

        public async ValueTask DisposeAsync()
        {
            if (_cluster is not null)
            {
                await _cluster.DisposeAsync();
            }
        }
    }
}
