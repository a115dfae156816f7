using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Buckets.Contracts.Http;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A silo (and optionally a separate backup server) started as OS processes on 127.0.0.1, with fixed
/// secrets, that tests can kill with SIGKILL and start again on the same data.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    // Fixed test values of 32 random bytes each (hex), as the start-up checks require.
    public const string AdminToken = "dfc291c2e36c30cd67124fd44a4e9e984f3f5fe62d5497444c27ff742832167a";
    public const string ClusterSecret = "ef3ae5a4a3f0bc3cf9b9504e501f458c8ef56f6cf2b35b13cca34ddaee765188";
    public const string InternalToken = "69587ff14f3f0feccc955d769a3264ac80ea771621fe1501d5c786baa5f6c8b6";

    private readonly Dictionary<string, string> _siloSettings;
    private readonly IReadOnlyDictionary<string, string> _extraBackupSettings;

    private Deployment(string root, bool remoteBackup, IReadOnlyDictionary<string, string>? backupSettings)
    {
        _extraBackupSettings = backupSettings ?? new Dictionary<string, string>();
        Root = root;
        RemoteBackup = remoteBackup;
        BackupPort = FreePorts.Next();
        BackupInternalPort = FreePorts.Next();
        _siloSettings = new Dictionary<string, string>
        {
            ["Buckets:Security:AdminToken"] = AdminToken,
            ["Buckets:Security:ClusterSecret"] = ClusterSecret,
            ["Buckets:Security:InternalToken"] = InternalToken,
            ["Buckets:Backup:RequestTimeout"] = "00:00:03",
        };
        if (remoteBackup)
        {
            _siloSettings["Buckets:Backup:Mode"] = "Remote";
            _siloSettings["Buckets:Backup:ServerUrl"] = $"http://127.0.0.1:{BackupInternalPort}";
            _siloSettings["Buckets:Backup:AnnounceInterval"] = "00:00:00.500";
        }
    }

    public string Root { get; }

    public bool RemoteBackup { get; }

    public int BackupPort { get; }

    /// <summary>The backup server's internal listener, which silos call; fixed so a restarted backup server keeps it.</summary>
    public int BackupInternalPort { get; }

    public ServiceProcess? Silo { get; private set; }

    public ServiceProcess? BackupServer { get; private set; }

    /// <summary>Where Englang files live: the development data folder, or the backup server's.</summary>
    public string BackupDirectory => RemoteBackup ? Path.Combine(Root, "backup-data") : Path.Combine(Root, "data", "backups");

    public string Output => $"{Silo?.Output}{Environment.NewLine}{BackupServer?.Output}";

    /// <summary>Starts a silo, and with <paramref name="remoteBackup"/> a backup server first, given <paramref name="backupSettings"/> on top of the defaults.</summary>
    public static async Task<Deployment> StartAsync(bool remoteBackup = false, IReadOnlyDictionary<string, string>? backupSettings = null)
    {
        var deployment = new Deployment(ServerHarness.NewWorkingDirectory(), remoteBackup, backupSettings);
        try
        {
            if (remoteBackup)
            {
                await deployment.StartBackupServerAsync();
            }

            await deployment.StartSiloAsync();
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    public async Task StartSiloAsync() => Silo = await ServerHarness.StartServerAsync(Root, _siloSettings, "silo");

    public async Task StartBackupServerAsync()
    {
        // The backup server holds only the two tokens: no signing secret, no database.
        var settings = new Dictionary<string, string>
        {
            ["Buckets:Security:AdminToken"] = AdminToken,
            ["Buckets:Security:InternalToken"] = InternalToken,
            ["Backup:Store:DataDirectory"] = Path.Combine(Root, "backup-data"),
            ["Backup:Pull:Interval"] = "00:00:00.200",
        };
        foreach (var (key, value) in _extraBackupSettings)
        {
            settings[key] = value;
        }

        BackupServer = await ServiceProcess.StartAsync(
            "backup",
            RepoPaths.Assembly("backup-server/Buckets.BackupServer", "Buckets.BackupServer"),
            Root,
            BackupPort,
            settings,
            BackupInternalPort);
    }

    public async Task<HttpClient> NewBucketAsync(string? durability = null)
    {
        var key = await ServerHarness.MintKeyAsync(Silo!, AdminToken);
        var client = Silo!.CreateClient(key.ApiKey);
        if (durability is not null)
        {
            using var response = await client.PutAsJsonAsync("/v1/bucket/policy", new BucketPolicyDto(durability, null));
            Assert.True(response.IsSuccessStatusCode, $"policy {durability}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{Output}");
        }

        return client;
    }

    public HttpClient ClientFor(HttpClient existing) =>
        Silo!.CreateClient(existing.DefaultRequestHeaders.Authorization!.Parameter);

    public static async Task<HttpStatusCode> PutAsync(HttpClient client, string key, string value)
    {
        using var response = await client.PutAsync($"/v1/keys/{Uri.EscapeDataString(key)}", new StringContent(value, Encoding.UTF8, "text/plain"));
        return response.StatusCode;
    }

    /// <summary>Waits until the backup server has acknowledged every change of the bucket.</summary>
    public static Task WaitBackedUpAsync(HttpClient client, TimeSpan deadline) =>
        Poll.UntilAsync(
            async () => await client.GetFromJsonAsync<BucketStatsResponse>("/v1/bucket"),
            s => s is not null && s.Backup.PendingChanges == 0 && s.Backup.AcknowledgedChange == s.LastChange,
            deadline,
            "the backup server to acknowledge every change");

    public async ValueTask DisposeAsync()
    {
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        if (BackupServer is not null)
        {
            await BackupServer.DisposeAsync();
        }
    }

    public static string Key(int i) => "key-" + i.ToString("D4", CultureInfo.InvariantCulture);
}
