using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Buckets.Contracts.Http;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Buckets.Server.Tests.Infrastructure;

/// <summary>
/// Hosts the real server (HTTP pipeline plus an Orleans silo on free loopback ports) once for the
/// whole test project, with small limits so limit tests stay cheap.
/// </summary>
public class BucketsApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string AdminToken = "f6a221206f751aea050a99c71d459096aea24443f55e55f3a6f7985bf8d8a618";
    public const string ClusterSecret = "d94ed6ac277e736726711cb5ad4aa1f3b1102ab7d6a55d705c2ca3b072280100";
    public const string InternalToken = "aa136067a6468982af46b64eb3c2ef84b556598c688cbdfe017fc4f4d8b5d906";
    public const int MaxValueBytes = 1024;
    public const int MaxEntriesPerBucket = 5;
    public const int MaxListLimit = 50;
    public const int MaxBatchOperations = 10;
    public const int MaxBatchBytes = 16384;
    public const int MaxKeyBytes = 512;
    public const long MaxTtlSeconds = 10L * 366 * 24 * 3600;
    public const int TransferChunkBytes = 1024;

    private readonly IReadOnlyDictionary<string, string> _extraSettings;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "buckets-server-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Serves over real Kestrel on a free loopback port rather than the in-memory test server, so
    /// HTTP framing (chunked bodies, header validation, body size limits) is the production one.
    /// </summary>
    public BucketsApiFactory()
        : this(new Dictionary<string, string>())
    {
    }

    // xUnit fixtures may have only one public constructor.
    private BucketsApiFactory(IReadOnlyDictionary<string, string> settings)
    {
        _extraSettings = settings;
        UseKestrel(0);
    }

    /// <summary>A server with <paramref name="settings"/> on top of the defaults (its own silo: slow, use sparingly).</summary>
    public static BucketsApiFactory With(IReadOnlyDictionary<string, string> settings) => new(settings);

    /// <summary>Starts the host (and so the silo) before the first test runs.</summary>
    public ValueTask InitializeAsync()
    {
        StartServer();
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>A client without credentials.</summary>
    public HttpClient AnonymousClient() => CreateDefaultClient(ClientOptions.BaseAddress);

    /// <summary>A client that sends the admin token.</summary>
    public HttpClient AdminClient() => ClientWithBearer(AdminToken);

    /// <summary>A client that sends <paramref name="apiKey"/> as its bearer token.</summary>
    public HttpClient ClientFor(string apiKey) => ClientWithBearer(apiKey);

    /// <summary>Mints an API key (a fresh bucket) through <c>POST /admin/keys</c>.</summary>
    public async Task<MintKeyResponse> MintKeyAsync(string? id = null)
    {
        using var admin = AdminClient();
        using var response = id is null
            ? await admin.PostAsync(new Uri("/admin/keys", UriKind.Relative), content: null, TestContext.Current.CancellationToken)
            : await admin.PostAsJsonAsync("/admin/keys", new MintKeyRequest(id), TestContext.Current.CancellationToken);
        await ProblemAssert.StatusAsync(response, HttpStatusCode.Created);
        var minted = await response.Content.ReadFromJsonAsync<MintKeyResponse>(TestContext.Current.CancellationToken);
        Assert.NotNull(minted);
        return minted;
    }

    /// <summary>Mints a key and returns a client for its (empty) bucket.</summary>
    public async Task<HttpClient> NewBucketClientAsync() => ClientFor((await MintKeyAsync()).ApiKey);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Settings go in through UseSetting because the program reads them while building the host.
        var ports = FreeTcpPorts(1);
        var settings = new Dictionary<string, string>
        {
            ["Buckets:Security:AdminToken"] = AdminToken,
            ["Buckets:Security:ClusterSecret"] = ClusterSecret,
            ["Buckets:Security:InternalToken"] = InternalToken,
            ["Buckets:Hosting:SiloPort"] = ports[0].ToString(CultureInfo.InvariantCulture),
            ["Buckets:Hosting:DataDirectory"] = _dataDirectory,
            // One port: the factory's Kestrel mode binds only its own URL. The split of public and internal
            // listeners is tested end to end against the real process (SurfaceTests).
            ["Buckets:Http:InternalUrls"] = "",
            // Many tests fail authentication on purpose, all from 127.0.0.1; the limiter has tests of its own.
            ["Buckets:Http:AuthFailureLimit"] = "1000000",
            ["Buckets:Hosting:ClusterId"] = "buckets-server-tests-" + Guid.NewGuid().ToString("N"),
            ["Buckets:Limits:MaxValueBytes"] = MaxValueBytes.ToString(CultureInfo.InvariantCulture),
            ["Buckets:Limits:MaxEntriesPerBucket"] = MaxEntriesPerBucket.ToString(CultureInfo.InvariantCulture),
            ["Buckets:Limits:MaxListLimit"] = MaxListLimit.ToString(CultureInfo.InvariantCulture),
            ["Buckets:Limits:MaxBatchOperations"] = MaxBatchOperations.ToString(CultureInfo.InvariantCulture),
            ["Buckets:Limits:MaxBatchBytes"] = MaxBatchBytes.ToString(CultureInfo.InvariantCulture),
            // The smallest pieces, so an export of a few entries already streams in several.
            ["Buckets:Grain:TransferChunkBytes"] = TransferChunkBytes.ToString(CultureInfo.InvariantCulture),
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings.Concat(ExtraSettings))
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(ConfigureTestServices);
    }

    /// <summary>Settings a derived factory adds or overrides.</summary>
    protected virtual IReadOnlyDictionary<string, string> ExtraSettings => _extraSettings;

    /// <summary>Services a derived factory replaces, registered after the program's own.</summary>
    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    private HttpClient ClientWithBearer(string token)
    {
        var client = CreateDefaultClient(ClientOptions.BaseAddress);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Distinct free loopback ports: every listener stays open until all are picked.</summary>
    private static int[] FreeTcpPorts(int count)
    {
        var listeners = new TcpListener[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                listeners[i] = new TcpListener(IPAddress.Loopback, 0);
                listeners[i].Start();
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener?.Dispose();
            }
        }
    }
}
