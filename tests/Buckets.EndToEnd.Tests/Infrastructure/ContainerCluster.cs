using System.Diagnostics;
using System.Globalization;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The Cluster profile from the product's images: a backup server and several silos as containers on
/// the host's network, each on its own loopback ports, PostgreSQL on the host. Every container runs
/// under the security settings and mounts of its workload in <c>k8s/</c> (<see cref="ManifestSecurity"/>):
/// the silos get the run's cluster certificate as their mounted Secret, the backup server a host
/// directory as its volume. A killed silo comes back as a new container on fresh ports (as a new
/// pod would, with a new address); a killed backup server is started again with its ports and volume.
/// </summary>
public sealed class ContainerCluster : IAsyncDisposable
{
    private const string SiloWorkload = "buckets-silo";
    private const string BackupWorkload = "buckets-backup";
    private const string TlsVolume = "silo-tls";
    private const string BackupVolume = "data";
    // Owner and group may read and write; the set-group-id bit keeps new files in the volume's group.
    private const UnixFileMode VolumeMode = UnixFileMode.SetGroup | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute;

    private readonly ContainerService?[] _silos;
    // Killed silos, kept (stopped) until the end so their logs can still be read.
    private readonly List<ContainerService> _retired = [];
    private readonly int[] _generations;
    private readonly Dictionary<string, string> _siloSettings;
    private readonly Dictionary<string, string> _backupSettings;
    private readonly string _tlsDirectory;
    private readonly int _backupPort = FreePorts.Next();
    private readonly int _backupInternalPort = FreePorts.Next();
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    private ContainerCluster(string root, string postgres, int silos)
    {
        Root = root;
        _silos = new ContainerService?[silos];
        _generations = new int[silos];
        _tlsDirectory = Path.Combine(root, "tls");
        var tlsPath = SiloSecurity.MountPath(TlsVolume);
        _siloSettings = new Dictionary<string, string>
        {
            ["Buckets:Hosting:Profile"] = "Cluster",
            ["Buckets:Hosting:ClusterId"] = "containers-" + _run,
            ["Buckets:Hosting:AdvertisedAddress"] = "127.0.0.1",
            ["Buckets:Cluster:PostgresConnectionString"] = postgres,
            // The silo certificate lies where the manifests mount the Secret.
            ["Buckets:Cluster:Tls:CertificatePath"] = $"{tlsPath}/tls.crt",
            ["Buckets:Cluster:Tls:PrivateKeyPath"] = $"{tlsPath}/tls.key",
            ["Buckets:Cluster:Tls:CaCertificatePath"] = $"{tlsPath}/ca.crt",
            ["Buckets:Security:AdminToken"] = Deployment.AdminToken,
            ["Buckets:Security:ClusterSecret"] = Deployment.ClusterSecret,
            ["Buckets:Security:InternalToken"] = Deployment.InternalToken,
            ["Buckets:Backup:Mode"] = "Remote",
            ["Buckets:Backup:ServerUrl"] = $"http://127.0.0.1:{_backupInternalPort}",
            ["Buckets:Backup:RequestTimeout"] = "00:00:03",
            ["Buckets:Backup:AnnounceInterval"] = "00:00:00.500",
            // Failure detection is the product's (Buckets' defaults, FailureDetection.cs); only the heartbeat
            // row is written more often than the 30 s default, so a stale silo row shows sooner.
            ["Buckets:Membership:IAmAliveTablePublishTimeout"] = "00:00:05",
        };
        // The backup server holds only the two tokens: no signing secret, no database. Its data
        // directory is the image's default, which must be where the manifest mounts the volume.
        _backupSettings = new Dictionary<string, string>
        {
            ["Buckets:Security:AdminToken"] = Deployment.AdminToken,
            ["Buckets:Security:InternalToken"] = Deployment.InternalToken,
            ["Backup:Pull:Interval"] = "00:00:00.200",
            ["Backup:Pull:SiloExpiry"] = "00:00:05",
        };
    }

    public static ManifestSecurity SiloSecurity { get; } = ManifestSecurity.For(SiloWorkload);

    public static ManifestSecurity BackupSecurity { get; } = ManifestSecurity.For(BackupWorkload);

    public string Root { get; }

    /// <summary>The host directory behind the backup server's volume.</summary>
    public string BackupDirectory => Path.Combine(Root, "backup-data");

    public ContainerService? BackupServer { get; private set; }

    public int SiloCount => _silos.Length;

    public IEnumerable<int> LiveSilos => Enumerable.Range(0, _silos.Length).Where(i => _silos[i] is not null);

    /// <summary>Every start-to-ready time so far, by container.</summary>
    public List<(string Name, TimeSpan StartToReady)> StartTimes { get; } = [];

    public ContainerService Silo(int index) => _silos[index] ?? throw new InvalidOperationException($"silo {index} is not running");

    public static async Task<ContainerCluster> StartAsync(int silos)
    {
        var cluster = new ContainerCluster(ServerHarness.NewWorkingDirectory(), await TestPostgres.NewDatabaseAsync(), silos);
        try
        {
            await cluster.PrepareHostDirectoriesAsync();
            await cluster.StartBackupServerAsync();
            // One at a time: a joining silo must reach every active one, and two joining together on a
            // busy machine kept each other waiting (about 50 s each, against about 15 s one by one).
            for (var i = 0; i < silos; i++)
            {
                await cluster.StartSiloAsync(i);
            }
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task StartSiloAsync(int index)
    {
        var settings = new Dictionary<string, string>(_siloSettings)
        {
            ["Buckets:Hosting:SiloPort"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            // Every container shares the host's network: each silo's Redis listener needs a port of its own.
            ["Buckets:Resp:Port"] = FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        };
        var name = $"silo{index}";
        var generation = _generations[index]++;
        var options = SiloSecurity.DockerRunOptions(new Dictionary<string, string> { [TlsVolume] = _tlsDirectory });
        var silo = await ContainerService.StartAsync(
            name, $"buckets-test-{_run}-{name}-{generation}", Docker.ServerImage, options, settings, FreePorts.Next(), FreePorts.Next());
        _silos[index] = silo;
        Record(silo);
    }

    public async Task KillSiloAsync(int index)
    {
        var silo = Silo(index);
        await silo.KillAsync();
        _retired.Add(silo);
        _silos[index] = null;
    }

    public Task KillBackupServerAsync() => BackupServer!.KillAsync();

    public async Task RestartBackupServerAsync()
    {
        await BackupServer!.RestartAsync();
        Record(BackupServer);
    }

    /// <summary>The logs of every container still running, each line prefixed with its name.</summary>
    public async Task<string> LogsAsync()
    {
        var all = _silos.OfType<ContainerService>().Concat(_retired).Append(BackupServer).OfType<ContainerService>();
        var logs = await Task.WhenAll(all.Select(async c => string.Join(Environment.NewLine, (await c.LogsAsync()).Split('\n').Select(l => $"[{c.Name}] {l}"))));
        return string.Join(Environment.NewLine, logs);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var container in _silos.OfType<ContainerService>().Concat(_retired).Append(BackupServer).OfType<ContainerService>())
        {
            await container.DisposeAsync();
        }
    }

    private async Task StartBackupServerAsync()
    {
        var options = BackupSecurity.DockerRunOptions(new Dictionary<string, string> { [BackupVolume] = BackupDirectory });
        BackupServer = await ContainerService.StartAsync(
            "backup", $"buckets-test-{_run}-backup", Docker.BackupServerImage, options, _backupSettings, _backupPort, _backupInternalPort);
        Record(BackupServer);
    }

    private void Record(ContainerService container)
    {
        lock (StartTimes)
        {
            StartTimes.Add((container.Name, container.StartToReady));
        }
    }

    /// <summary>
    /// The host sides of the mounts, owned as the kubelet would leave them: the Secret's files group-readable
    /// only (defaultMode 0440) and the volume group-writable, in the pods' fsGroup.
    /// </summary>
    private async Task PrepareHostDirectoriesAsync()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the container tests run Linux containers on a Linux host");
        }

        var certificates = TestCertificates.Create(Path.Combine(Root, "certificates")).Cluster;
        Directory.CreateDirectory(_tlsDirectory);
        File.Copy(certificates.CertificatePath, Path.Combine(_tlsDirectory, "tls.crt"));
        File.Copy(certificates.PrivateKeyPath, Path.Combine(_tlsDirectory, "tls.key"));
        File.Copy(certificates.CaCertificatePath, Path.Combine(_tlsDirectory, "ca.crt"));
        var siloGroup = SiloSecurity.FsGroup ?? SiloSecurity.RunAsGroup;
        foreach (var file in Directory.EnumerateFiles(_tlsDirectory))
        {
            await ChangeGroupAsync(file, siloGroup);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead);
        }

        Directory.CreateDirectory(BackupDirectory);
        await ChangeGroupAsync(BackupDirectory, BackupSecurity.FsGroup ?? BackupSecurity.RunAsGroup);
        File.SetUnixFileMode(BackupDirectory, VolumeMode);
    }

    private static async Task ChangeGroupAsync(string path, long group)
    {
        using var process = Process.Start(new ProcessStartInfo("chgrp", [group.ToString(CultureInfo.InvariantCulture), path]) { RedirectStandardError = true })!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"chgrp {group} {path} failed (the container tests run as root, like dockerd): {errors}");
    }
}
