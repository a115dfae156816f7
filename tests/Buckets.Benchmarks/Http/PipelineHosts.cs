using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using System.Security.Cryptography;
using Buckets.Contracts.Http;
using Buckets.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace Buckets.Benchmarks.Http;

/// <summary>
/// The two servers of the pipeline benchmarks, in this process on free loopback ports: Buckets
/// composed by <see cref="BucketsServer"/>, as <c>src/Buckets.Server/Program.cs</c> is (development profile, the
/// settings of <c>tests/load/run-load.sh</c>), and the bare-Kestrel ceiling <c>tests/Buckets.Baseline</c>
/// run through its own entry point.
/// </summary>
public static class PipelineHosts
{
    public static readonly string AdminToken = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Starts Buckets with <paramref name="backupMode"/> (InProcess: backups on, in this process; None: off) and waits until ready.</summary>
    public static async Task<WebApplication> StartBucketsAsync(int port, string dataDirectory, string backupMode)
    {
        var url = "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = ["--urls", url], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = url,
            ["Serilog:MinimumLevel:Default"] = "Warning",
            ["Buckets:Security:AdminToken"] = AdminToken,
            ["Buckets:Security:ClusterSecret"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            ["Buckets:Security:InternalToken"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            ["Buckets:Hosting:Profile"] = "Development",
            ["Buckets:Hosting:DataDirectory"] = dataDirectory,
            ["Buckets:Hosting:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Buckets:Hosting:ClusterId"] = "buckets-bench-" + Guid.NewGuid().ToString("N"),
            ["Buckets:Backup:Mode"] = backupMode,
            ["Buckets:Http:InternalUrls"] = "",
            ["Buckets:Resp:Port"] = "0",
        });
        var app = BucketsServer.Build(builder);
        await app.StartAsync();
        await WaitReadyAsync(port, "/readyz");
        return app;
    }

    /// <summary>Starts tests/Buckets.Baseline (its Main, on a thread of its own: it runs until the process exits).</summary>
    public static async Task StartBaselineAsync(int port)
    {
        var entry = Assembly.Load("Buckets.Baseline").EntryPoint ?? throw new InvalidOperationException("Buckets.Baseline has no entry point.");
        string[] args = ["--urls", "http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)];
        var thread = new Thread(() => entry.Invoke(null, [args])) { IsBackground = true, Name = "baseline" };
        thread.Start();
        await WaitReadyAsync(port, "/healthz");
    }

    /// <summary>Mints <paramref name="count"/> API keys through <c>POST /admin/keys</c>.</summary>
    public static async Task<string[]> MintKeysAsync(int port, int count)
    {
        using var admin = Client(port, AdminToken);
        var keys = new string[count];
        for (var i = 0; i < count; i++)
        {
            using var response = await admin.PostAsync(new Uri("/admin/keys", UriKind.Relative), content: null);
            response.EnsureSuccessStatusCode();
            keys[i] = (await response.Content.ReadFromJsonAsync<MintKeyResponse>())!.ApiKey;
        }

        return keys;
    }

    public static HttpClient Client(int port, string? bearer)
    {
        var client = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture)) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitReadyAsync(int port, string path)
    {
        using var client = Client(port, bearer: null);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"127.0.0.1:{port}{path} did not answer 2xx within 60 s.");
            }

            await Task.Delay(100);
        }
    }
}
