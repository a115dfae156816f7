using System.Globalization;
using System.Net.Http.Json;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The cluster profile as processes on 127.0.0.1: several silos sharing PostgreSQL membership and
/// one or more backup servers (each with its own data directory and fixed ports, so the server list
/// stays the same across restarts). A killed silo restarts on fresh ports (a silo restarted on its old address
/// within about a second can be declared dead by its peers). Silos talk mutual TLS with the run's
/// <see cref="TestCertificates.Shared"/> cluster certificate, as the Cluster profile requires.
/// </summary>
public sealed class ClusterDeployment : IAsyncDisposable
{
    private readonly ServiceProcess?[] _silos;
    private readonly int[] _siloPorts;
    private readonly Dictionary<string, string> _siloSettings;
    private readonly Dictionary<string, string> _backupSettings;
    private readonly ServiceProcess?[] _backups;
    private readonly int[] _backupPorts;
    private readonly int[] _backupInternalPorts;
    private List<int> _listed;

    private ClusterDeployment(string root, string postgres, int silos, int backupServers, int spareBackupServers, IReadOnlyDictionary<string, string>? backupSettings, IReadOnlyDictionary<string, string?>? siloSettings)
    {
        Root = root;
        PostgresConnectionString = postgres;
        _silos = new ServiceProcess?[silos];
        _siloPorts = new int[silos];
        _backups = new ServiceProcess?[backupServers + spareBackupServers];
        _backupPorts = [.. Enumerable.Range(0, _backups.Length).Select(_ => FreePorts.Next())];
        _backupInternalPorts = [.. Enumerable.Range(0, _backups.Length).Select(_ => FreePorts.Next())];
        _listed = [.. Enumerable.Range(0, backupServers)];
        _siloSettings = new Dictionary<string, string>(TestCertificates.SiloSettings(TestCertificates.Shared.Cluster))
        {
            ["Buckets:Hosting:Profile"] = "Cluster",
            ["Buckets:Hosting:ClusterId"] = ClusterId,
            ["Buckets:Hosting:AdvertisedAddress"] = "127.0.0.1",
            ["Buckets:Cluster:PostgresConnectionString"] = postgres,
            ["Buckets:Security:AdminToken"] = Deployment.AdminToken,
            ["Buckets:Security:ClusterSecret"] = Deployment.ClusterSecret,
            ["Buckets:Security:InternalToken"] = Deployment.InternalToken,
            ["Buckets:Keys:RevocationRefreshInterval"] = RevocationRefreshInterval.ToString("c", CultureInfo.InvariantCulture),
            ["Buckets:Backup:Mode"] = "Remote",
            ["Buckets:Backup:RequestTimeout"] = "00:00:03",
            ["Buckets:Backup:AnnounceInterval"] = "00:00:00.500",
            // Failure detection is the product's (Buckets' defaults, FailureDetection.cs); only the heartbeat
            // row is written more often than the 30 s default, so a stale silo row shows sooner.
            ["Buckets:Membership:IAmAliveTablePublishTimeout"] = "00:00:05",
            // Refused connections in the port tests end within a bounded wait.
            ["Buckets:Cluster:Tls:HandshakeTimeout"] = "00:00:02",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        // The backup server holds only the two tokens: no signing secret, no database.
        _backupSettings = new Dictionary<string, string>
        {
            ["Buckets:Security:AdminToken"] = Deployment.AdminToken,
            ["Buckets:Security:InternalToken"] = Deployment.InternalToken,
            ["Backup:Pull:Interval"] = "00:00:00.200",
            ["Backup:Pull:SiloExpiry"] = "00:00:05",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        if (_backups.Length == 1)
        {
            _siloSettings["Buckets:Backup:ServerUrl"] = BackupServerUrl(0);
        }
        else
        {
            SetBackupList(_listed, []);
            _backupSettings["Backup:Cluster:PeerCheckInterval"] = "00:00:01";
            // A wiped server waits out the silos' longest call before it resyncs: both shortened here.
            _siloSettings["Buckets:Backup:TransferTimeout"] = "00:00:05";
            _backupSettings["Backup:Resync:StartDelay"] = "00:00:06";
            _backupSettings["Backup:Resync:MoveInterval"] = "00:00:02";
        }

        foreach (var (key, value) in backupSettings ?? new Dictionary<string, string>())
        {
            _backupSettings[key] = value;
        }

        foreach (var (key, value) in siloSettings ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                _siloSettings.Remove(key);
            }
            else
            {
                _siloSettings[key] = value;
            }
        }
    }

    public string Root { get; }

    /// <summary>The failure-detection settings these silos get in place of the product's defaults (see the constructor).</summary>
    public static readonly IReadOnlyList<string> MembershipSettingKeys = ["Buckets:Membership:IAmAliveTablePublishTimeout"];

    /// <summary>The Orleans cluster id the silos share (a rogue client would need it too).</summary>
    public string ClusterId { get; } = "e2e-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The database holding this cluster's membership table.</summary>
    public string PostgresConnectionString { get; }

    /// <summary>The silos' <c>Buckets:Keys:RevocationRefreshInterval</c>, shortened so revocation tests stay quick.</summary>
    public static readonly TimeSpan RevocationRefreshInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>The first backup server's data directory (the only one with one server).</summary>
    public string BackupDirectory => BackupDirectoryOf(0);

    /// <summary>The first backup server (the only one with one server).</summary>
    public ServiceProcess? BackupServer => _backups[0];

    public int BackupServerCount => _backups.Length;

    /// <summary>The backup servers in the list, by index, in list order.</summary>
    public IReadOnlyList<int> ListedBackupServers => _listed;

    public int SiloCount => _silos.Length;

    public IEnumerable<int> LiveSilos => Enumerable.Range(0, _silos.Length).Where(i => _silos[i] is { HasExited: false });

    public string Output => string.Join(Environment.NewLine, _silos.Select(s => s?.Output).Concat(_backups.Select(b => b?.Output)));

    /// <summary>
    /// Starts the cluster; <paramref name="spareBackupServers"/> more backup servers get ports and directories but are neither listed nor started (see <see cref="SetBackupList"/>);
    /// <paramref name="backupSettings"/> are added to (or override) every backup server's settings, <paramref name="siloSettings"/>
    /// to every silo's (a null value removes a setting, so the silo runs with its appsettings.json default).
    /// </summary>
    public static async Task<ClusterDeployment> StartAsync(
        int silos,
        int backupServers = 1,
        int spareBackupServers = 0,
        IReadOnlyDictionary<string, string>? backupSettings = null,
        IReadOnlyDictionary<string, string?>? siloSettings = null)
    {
        var deployment = new ClusterDeployment(ServerHarness.NewWorkingDirectory(), await TestPostgres.NewDatabaseAsync(), silos, backupServers, spareBackupServers, backupSettings, siloSettings);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, backupServers).Select(deployment.StartBackupServerAsync));
            if (backupServers > 1)
            {
                // Empty backup servers count only once each has seen that its peers hold nothing either.
                await Task.WhenAll(Enumerable.Range(0, backupServers).Select(deployment.WaitSyncedAsync));
            }

            // Start the first silo alone so the others join an existing cluster.
            await deployment.StartSiloAsync(0);
            await Task.WhenAll(Enumerable.Range(1, silos - 1).Select(deployment.StartSiloAsync));
            return deployment;
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
    }

    public ServiceProcess Silo(int index) => _silos[index] ?? throw new InvalidOperationException($"silo {index} is not running");

    /// <summary>The silo-to-silo port silo <paramref name="index"/> last started on.</summary>
    public int SiloPort(int index) => _siloPorts[index];

    public async Task StartSiloAsync(int index)
    {
        _siloPorts[index] = FreePorts.Next();
        var settings = new Dictionary<string, string>(_siloSettings)
        {
            ["Buckets:Hosting:SiloPort"] = _siloPorts[index].ToString(CultureInfo.InvariantCulture),
        };
        _silos[index] = await ServerHarness.StartServerAsync(Root, settings, "silo" + index.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Starts one more silo of this cluster with <paramref name="overrides"/> applied to its settings
    /// (a null value removes a setting). The caller owns the process; start-up failures throw.
    /// </summary>
    public Task<ServiceProcess> StartExtraSiloAsync(string name, IReadOnlyDictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string>(_siloSettings)
        {
            ["Buckets:Hosting:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in overrides)
        {
            if (value is null)
            {
                settings.Remove(key);
            }
            else
            {
                settings[key] = value;
            }
        }

        return ServerHarness.StartServerAsync(Root, settings, name);
    }

    /// <summary>
    /// Changes the backup server list for the processes started from now on (silos and backup servers
    /// alike): <paramref name="listed"/> in that order, and <paramref name="leaving"/> being removed.
    /// Running processes keep their list until restarted.
    /// </summary>
    public void SetBackupList(IReadOnlyList<int> listed, IReadOnlyList<int> leaving)
    {
        foreach (var key in _siloSettings.Keys.Where(key => key.StartsWith("Buckets:Backup:Servers:", StringComparison.Ordinal)).ToList())
        {
            _siloSettings.Remove(key);
        }

        foreach (var key in _backupSettings.Keys.Where(key => key.StartsWith("Backup:Cluster:Servers:", StringComparison.Ordinal) || key.StartsWith("Backup:Cluster:Leaving:", StringComparison.Ordinal)).ToList())
        {
            _backupSettings.Remove(key);
        }

        for (var i = 0; i < listed.Count; i++)
        {
            var key = i.ToString(CultureInfo.InvariantCulture);
            _siloSettings["Buckets:Backup:Servers:" + key] = BackupServerUrl(listed[i]);
            _backupSettings["Backup:Cluster:Servers:" + key] = BackupServerUrl(listed[i]);
        }

        for (var i = 0; i < leaving.Count; i++)
        {
            _backupSettings["Backup:Cluster:Leaving:" + i.ToString(CultureInfo.InvariantCulture)] = BackupServerUrl(leaving[i]);
        }

        _listed = [.. listed];
    }

    /// <summary>Stops backup server <paramref name="index"/> gracefully and starts it again with the current settings.</summary>
    public async Task RestartBackupServerAsync(int index)
    {
        await Backup(index).StopGracefullyAsync(TimeSpan.FromSeconds(30));
        await StartBackupServerAsync(index);
    }

    /// <summary>Stops silo <paramref name="index"/> gracefully and starts it again with the current settings.</summary>
    public async Task RestartSiloAsync(int index)
    {
        await StopSiloGracefullyAsync(index);
        await StartSiloAsync(index);
    }

    /// <summary>Backup server <paramref name="index"/>'s internal URL, as the server lists name it.</summary>
    public string BackupServerUrl(int index) => $"http://127.0.0.1:{_backupInternalPorts[index]}";

    public string BackupDirectoryOf(int index) => Path.Combine(Root, index == 0 ? "backup-data" : $"backup-data-{index}");

    public ServiceProcess Backup(int index) => _backups[index] ?? throw new InvalidOperationException($"backup server {index} is not running");

    /// <summary>Starts (or restarts) backup server <paramref name="index"/> on its fixed ports and data directory.</summary>
    public async Task StartBackupServerAsync(int index = 0)
    {
        var settings = new Dictionary<string, string>(_backupSettings) { ["Backup:Store:DataDirectory"] = BackupDirectoryOf(index) };
        if (_backups.Length > 1)
        {
            settings["Backup:Cluster:Self"] = BackupServerUrl(index);
        }

        _backups[index] = await ServiceProcess.StartAsync(
            "backup" + (index == 0 ? "" : index.ToString(CultureInfo.InvariantCulture)),
            RepoPaths.Assembly("backup-server/Buckets.BackupServer", "Buckets.BackupServer"),
            Root,
            _backupPorts[index],
            settings,
            _backupInternalPorts[index]);
    }

    /// <summary>Waits until backup server <paramref name="index"/> counts for every bucket (no resync in progress).</summary>
    public async Task WaitSyncedAsync(int index)
    {
        using var admin = Backup(index).CreateClient(Deployment.AdminToken);
        await Poll.UntilAsync(
            async () => (await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/admin/v1/cluster")).GetProperty("resync").GetProperty("resyncing").GetBoolean(),
            resyncing => !resyncing,
            TimeSpan.FromSeconds(60),
            $"backup server {index} to count for every bucket");
    }

    /// <summary><c>kill -9</c> of backup server <paramref name="index"/>; with <paramref name="wipe"/> its data directory goes too, as a lost disk.</summary>
    public void KillBackupServer(int index, bool wipe = false)
    {
        Backup(index).Kill();
        if (wipe && Directory.Exists(BackupDirectoryOf(index)))
        {
            Directory.Delete(BackupDirectoryOf(index), recursive: true);
        }
    }

    public void KillSilo(int index) => Silo(index).Kill();

    public Task StopSiloGracefullyAsync(int index) => Silo(index).StopGracefullyAsync(TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
        }

        foreach (var backup in _backups)
        {
            if (backup is not null)
            {
                await backup.DisposeAsync();
            }
        }
    }
}
