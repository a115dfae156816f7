using System.Net.Http.Json;
using Buckets.Contracts.Http;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>Starts the built Buckets.Server in a scratch working directory with free loopback ports.</summary>
public static class ServerHarness
{
    public static string ServerAssembly => RepoPaths.Assembly("src/Buckets.Server", "Buckets.Server");

    public static Task<ServiceProcess> StartServerAsync(string workingDirectory, IReadOnlyDictionary<string, string>? settings = null, string name = "server")
    {
        var all = new Dictionary<string, string>
        {
            ["Buckets:Hosting:SiloPort"] = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        return ServiceProcess.StartAsync(name, ServerAssembly, workingDirectory, FreePorts.Next(), all);
    }

    public static async Task<MintKeyResponse> MintKeyAsync(ServiceProcess server, string adminToken, string? id = null)
    {
        using var admin = server.CreateClient(adminToken);
        using var response = await admin.PostAsJsonAsync("/admin/keys", new MintKeyRequest(id));
        Assert.True(response.IsSuccessStatusCode, $"mint failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{server.Output}");
        return (await response.Content.ReadFromJsonAsync<MintKeyResponse>())!;
    }

    public static string NewWorkingDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "buckets-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
