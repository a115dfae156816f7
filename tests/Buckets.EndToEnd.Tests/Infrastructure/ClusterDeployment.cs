using System.Globalization;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The cluster profile as processes on 127.0.0.1: several silos sharing PostgreSQL membership and
/// one backup server. A killed silo restarts on fresh ports (a silo restarted on its old address
/// within about a second can be declared dead by its peers). Silos talk mutual TLS with the run's
/// <see cref="TestCertificates.Shared"/> cluster certificate, as the Cluster profile requires.
/// </summary>
public sealed class ClusterDeployment : IAsyncDisposable
{
    private readonly ServiceProcess?[] _silos;
    private readonly int[] _siloPorts;
    private readonly Dictionary<string, string> _siloSettings;
    private readonly Dictionary<string, string> _backupSettings;
    private readonly int _backupPort = FreePorts.Next();
    private readonly int _backupInternalPort = FreePorts.Next();

    private ClusterDeployment(string root, string postgres, int silos)
    {
        Root = root;
        PostgresConnectionString = postgres;
        _silos = new ServiceProcess?[silos];
        _siloPorts = new int[silos];
        _siloSettings = new Dictionary<string, string>(TestCertificates.SiloSettings(TestCertificates.Shared.Cluster))
        {
            ["Buckets:Hosting:Profile"] = "Cluster",
            ["Buckets:Hosting:ClusterId"] = ClusterId,
            ["Buckets:Hosting:AdvertisedAddress"] = "127.0.0.1",
            ["Buckets:Cluster:PostgresConnectionString"] = postgres,
            ["Buckets:Security:AdminToken"] = Deployment.AdminToken,
            ["Buckets:Security:ClusterSecret"] = Deployment.ClusterSecret,
            ["Buckets:Backup:Mode"] = "Remote",
            ["Buckets:Backup:ServerUrl"] = $"http://127.0.0.1:{_backupInternalPort}",
            ["Buckets:Backup:RequestTimeout"] = "00:00:03",
            ["Buckets:Backup:AnnounceInterval"] = "00:00:00.500",
            // Declare a killed silo dead within a few seconds instead of Orleans' production defaults.
            ["Buckets:Membership:ProbeTimeout"] = "00:00:01",
            ["Buckets:Membership:NumMissedProbesLimit"] = "2",
            ["Buckets:Membership:IAmAliveTablePublishTimeout"] = "00:00:05",
            // Refused connections in the port tests end within a bounded wait.
            ["Buckets:Cluster:Tls:HandshakeTimeout"] = "00:00:02",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
        _backupSettings = new Dictionary<string, string>
        {
            ["Buckets:Security:AdminToken"] = Deployment.AdminToken,
            ["Buckets:Security:ClusterSecret"] = Deployment.ClusterSecret,
            ["Backup:Store:DataDirectory"] = BackupDirectory,
            ["Backup:Pull:Interval"] = "00:00:00.200",
            ["Backup:Pull:SiloExpiry"] = "00:00:05",
            ["Serilog:MinimumLevel:Default"] = "Warning",
        };
    }

    public string Root { get; }

    /// <summary>The Orleans cluster id the silos share (a rogue client would need it too).</summary>
    public string ClusterId { get; } = "e2e-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The database holding this cluster's membership table.</summary>
    public string PostgresConnectionString { get; }

    public string BackupDirectory => Path.Combine(Root, "backup-data");

    public ServiceProcess? BackupServer { get; private set; }

    public int SiloCount => _silos.Length;

    public IEnumerable<int> LiveSilos => Enumerable.Range(0, _silos.Length).Where(i => _silos[i] is { HasExited: false });

    public string Output => string.Join(Environment.NewLine, _silos.Select(s => s?.Output).Append(BackupServer?.Output));

    public static async Task<ClusterDeployment> StartAsync(int silos)
    {
        var deployment = new ClusterDeployment(ServerHarness.NewWorkingDirectory(), await TestPostgres.NewDatabaseAsync(), silos);
        try
        {
            await deployment.StartBackupServerAsync();
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

    public async Task StartBackupServerAsync() =>
        BackupServer = await ServiceProcess.StartAsync(
            "backup", RepoPaths.Assembly("backup-server/Buckets.BackupServer", "Buckets.BackupServer"), Root, _backupPort, _backupSettings, _backupInternalPort);

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

        if (BackupServer is not null)
        {
            await BackupServer.DisposeAsync();
        }
    }
}
