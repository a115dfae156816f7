using System.Globalization;
using Buckets.Backup.Storage;
using Buckets.EndToEnd.Tests.Infrastructure;
using Buckets.Linearizability;

namespace Buckets.EndToEnd.Tests.Chaos;

/// <summary>
/// Three silo processes and one or three backup servers sharing PostgreSQL on 127.0.0.1, under a
/// bounded load over every durability class, with a process killed (SIGKILL) mid-load: a silo, a
/// backup server, or a backup server whose data directory is deleted too (a lost disk). Invariants
/// checked each round: every bucket answers again within <see cref="RecoveryBound"/>; no acknowledged
/// critical write is lost; nothing acknowledged after the crash is lost; a backup-server crash, with
/// its disk or without, loses nothing; the critical buckets' history of writes and reads is
/// linearizable; the killed process restarts and rejoins (a wiped server resyncs); the backup files verify clean.
/// Each killed silo's recovery is reported as a <see cref="RecoveryTimeline"/>. Beside the kills: a silo
/// stopped gracefully (SIGTERM) loses nothing and every bucket answers through the others within
/// <see cref="GracefulRecoveryBound"/>; a silo paused (SIGSTOP) for a few seconds is not declared dead.
/// </summary>
[Trait("Category", "E2E")]
public sealed class ChaosTests
{
    private const int Silos = 3;
    private const int BackupServers = 3;
    private const int BucketsPerClass = 60;
    private const int WriteRoundsBeforeKill = 3;
    private const int WriteRoundsAfterKill = 3;
    private const int Parallelism = 16;
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan GracefulRecoveryBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DefaultPause = TimeSpan.FromSeconds(3);

    // Only a pause longer than failure detection tolerates gets here (BUCKETS_CHAOS_PAUSE): how long the silo takes to notice.
    private static readonly TimeSpan ZombieStopBound = TimeSpan.FromSeconds(90);
    private const int ActiveStatus = 3;

    // JSON logs (millisecond timestamps) and the Orleans and Buckets lines the recovery timeline reads:
    // probes and votes, the probed set, directory leases and range recovery, bucket rehydration.
    private static readonly Dictionary<string, string?> TimelineLogging = new()
    {
        ["Buckets:Logging:Json"] = "true",
        ["Serilog:MinimumLevel:Override:Orleans.Runtime.MembershipService.ClusterHealthMonitor"] = "Information",
        ["Serilog:MinimumLevel:Override:Orleans.Runtime.MembershipService.MembershipTableManager"] = "Information",
        ["Serilog:MinimumLevel:Override:Orleans.Runtime.GrainDirectory.GrainDirectoryPartition"] = "Debug",
        ["Serilog:MinimumLevel:Override:Buckets.Grains.BucketGrain"] = "Debug",
        ["Logging:LogLevel:Orleans.Runtime.GrainDirectory.GrainDirectoryPartition"] = "Debug",
        ["Logging:LogLevel:Buckets.Grains.BucketGrain"] = "Debug",
    };

    [Fact]
    public async Task KillingASiloMidLoadLosesNoAcknowledgedCriticalWrite()
    {
        await using var cluster = await ClusterDeployment.StartAsync(Silos, siloSettings: SiloSettings());
        var workload = await ChaosWorkload.CreateAsync(cluster, BucketsPerClass);

        var result = await RunRoundAsync(cluster, workload, 1, victim: Silos - 1);

        Report([result]);
    }

    [Fact]
    public async Task GracefulSiloStopUnderLoadLosesNoAcknowledgedWriteOfAnyClass()
    {
        await using var cluster = await ClusterDeployment.StartAsync(Silos, siloSettings: SiloSettings());
        var workload = await ChaosWorkload.CreateAsync(cluster, BucketsPerClass);
        for (var i = 0; i < WriteRoundsBeforeKill; i++)
        {
            await workload.WriteRoundAsync(Parallelism);
        }

        // A rolling update: SIGTERM while the load goes on; buckets migrate with their state.
        var stoppedAt = DateTimeOffset.UtcNow;
        var stop = cluster.StopSiloGracefullyAsync(Silos - 1);
        for (var i = 0; i < WriteRoundsAfterKill; i++)
        {
            await workload.WriteRoundAsync(Parallelism);
        }

        await stop;
        var exitedAt = DateTimeOffset.UtcNow;

        // The silo left membership itself: its buckets answer through the others without waiting for failure detection.
        var (_, allBack) = await workload.WaitAllAnswerAsync(stoppedAt, GracefulRecoveryBound, [.. Enumerable.Range(0, Silos - 1)]);
        Write(string.Create(CultureInfo.InvariantCulture, $"Graceful stop (SIGTERM) of silo {Silos - 1} under load: exited after {(exitedAt - stoppedAt).TotalSeconds:F2} s, every bucket answered through the others {(allBack - stoppedAt).TotalSeconds:F2} s after the signal."));
        await cluster.StartSiloAsync(Silos - 1);
        var (lost, _) = await workload.FindNewlyLostAsync();

        Assert.True(lost.Count == 0, $"a graceful stop lost {lost.Count} acknowledged writes: {string.Join(", ", lost.Take(5))}\n{cluster.Output}");
        AssertLinearizable(workload.CheckHistory(_ => true), "a graceful stop, every class");
    }

    /// <summary>
    /// A silo stopped (SIGSTOP) for <see cref="PauseLength"/> after some load, as by a long GC pause or a
    /// starved CPU, then let go on: it is still a member (not declared dead) and every bucket answers
    /// through every silo again. Orleans does not count a missed probe against a silo whose connection
    /// brought a message within MaxProbeTimeout × NumMissedProbesLimit, so this is what failure
    /// detection tolerates. <c>BUCKETS_CHAOS_PAUSE</c> (seconds) measures other lengths.
    /// </summary>
    [Fact]
    public async Task ASiloPausedForAFewSecondsIsNotDeclaredDead()
    {
        await using var cluster = await ClusterDeployment.StartAsync(Silos, siloSettings: SiloSettings());
        var workload = await ChaosWorkload.CreateAsync(cluster, BucketsPerClass);
        await workload.WriteRoundAsync(Parallelism);
        var paused = Silos - 1;
        var length = PauseLength();
        var pausedAt = DateTimeOffset.UtcNow;
        cluster.Silo(paused).Pause();
        var membership = MembershipWatch.Start(cluster.PostgresConnectionString, cluster.ClusterId, cluster.SiloPort(paused));
        try
        {
            // The pause itself is what is tested: nothing to poll for while the process is stopped.
            await Task.Delay(length);
        }
        finally
        {
            cluster.Silo(paused).Resume();
        }

        var (_, allBack) = await workload.WaitAllAnswerAsync(pausedAt, length + RecoveryBound);
        await membership.DisposeAsync();
        KeepLogs(cluster, "pause");
        var status = await MembershipWatch.ReadStatusAsync(cluster.PostgresConnectionString, cluster.ClusterId, cluster.SiloPort(paused));
        var declared = "not declared dead";
        if (membership.DeclaredDeadAt is { } dead)
        {
            // Declared dead while stopped: Orleans stops the silo once it runs again and reads its own row.
            var process = cluster.Silo(paused);
            await Poll.UntilAsync(() => Task.FromResult(process.HasExited), exited => exited, ZombieStopBound, $"silo {paused}, declared dead, to stop");
            declared = string.Create(CultureInfo.InvariantCulture, $"declared dead {(dead - pausedAt).TotalSeconds:F2} s after the pause began, stopped itself {(DateTimeOffset.UtcNow - pausedAt - length).TotalSeconds:F2} s after it ran again");
        }

        Write(string.Create(CultureInfo.InvariantCulture, $"Silo {paused} paused (SIGSTOP) for {length.TotalSeconds:F1} s: {declared}, membership status {status?.ToString(CultureInfo.InvariantCulture) ?? "-"} afterwards (3 Active, 6 Dead); every bucket answered through the live silos {(allBack - pausedAt).TotalSeconds:F2} s after the pause began."));
        Assert.True(status == ActiveStatus, $"silo {paused}, paused for {length}, has membership status {status} (6: declared dead)\n{cluster.Output}");
        Assert.Contains(paused, cluster.LiveSilos);
        var (lost, _) = await workload.FindNewlyLostAsync();
        Assert.True(lost.Count == 0, $"a pause lost {lost.Count} acknowledged writes: {string.Join(", ", lost.Take(5))}");
    }

    /// <summary>The chaos script's entry point: <c>BUCKETS_CHAOS_ROUNDS</c> rounds (default 2), random victims.</summary>
    [Fact]
    public async Task ChaosRoundsKeepEveryInvariant()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("BUCKETS_CHAOS_ROUNDS"), CultureInfo.InvariantCulture, out var r) ? r : 2;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("BUCKETS_CHAOS_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Environment.TickCount;
        var random = new Random(seed);
        await using var cluster = await ClusterDeployment.StartAsync(Silos, BackupServers, siloSettings: SiloSettings());
        var workload = await ChaosWorkload.CreateAsync(cluster, BucketsPerClass);
        var results = new List<ChaosRoundResult>();
        // BUCKETS_CHAOS_VICTIMS (e.g. "backup-wiped,silo") fixes the kind of victim of each round in turn.
        var kinds = Environment.GetEnvironmentVariable("BUCKETS_CHAOS_VICTIMS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        for (var round = 1; round <= rounds; round++)
        {
            // Victims: a silo (0..Silos-1), a backup server (Silos), or a backup server and its disk (Silos + 1).
            var victim = kinds.Length == 0 ? random.Next(Silos + 2) : kinds[(round - 1) % kinds.Length] switch
            {
                "silo" => random.Next(Silos),
                "backup" => Silos,
                "backup-wiped" => Silos + 1,
                var other => throw new ArgumentException($"BUCKETS_CHAOS_VICTIMS: unknown victim kind '{other}' (silo, backup, backup-wiped)."),
            };
            results.Add(await RunRoundAsync(cluster, workload, round, victim, backupVictim: random.Next(BackupServers)));
        }

        Report(results, $"seed {seed}");
    }

    private static async Task<ChaosRoundResult> RunRoundAsync(ClusterDeployment cluster, ChaosWorkload workload, int round, int victim, int backupVictim = 0)
    {
        for (var i = 0; i < WriteRoundsBeforeKill; i++)
        {
            await workload.WriteRoundAsync(Parallelism);
        }

        var killedAt = DateTimeOffset.UtcNow;
        var wipe = victim == Silos + 1;
        var victimName = victim < Silos ? $"silo {victim}"
            : cluster.BackupServerCount == 1 ? "backup server"
            : $"backup server {backupVictim}{(wipe ? " with its disk wiped" : "")}";
        MembershipWatch? membership = null;
        if (victim < Silos)
        {
            cluster.KillSilo(victim);
            membership = MembershipWatch.Start(cluster.PostgresConnectionString, cluster.ClusterId, cluster.SiloPort(victim));
        }
        else
        {
            cluster.KillBackupServer(backupVictim, wipe);
        }

        // Recovery is measured while the load goes on: from the crash until every bucket answers.
        var bound = Bound();
        var recovering = workload.WaitAllAnswerAsync(killedAt, bound);
        for (var i = 0; i < WriteRoundsAfterKill; i++)
        {
            await workload.WriteRoundAsync(Parallelism);
        }

        if (victim >= Silos)
        {
            await cluster.StartBackupServerAsync(backupVictim);
        }

        var (firstBack, allBack) = await recovering;
        var recovery = allBack - killedAt;
        RecoveryTimeline? timeline = null;
        if (membership is not null)
        {
            await membership.DisposeAsync();
            var survivorLogs = cluster.LiveSilos.SelectMany(i => SiloLogEvent.Parse(cluster.Silo(i).Output)).ToList();
            KeepLogs(cluster, $"round-{round}");

            timeline = RecoveryTimeline.From(round, victimName, cluster.SiloPort(victim), killedAt, membership, survivorLogs, firstBack, allBack);
        }

        if (victim < Silos)
        {
            await cluster.StartSiloAsync(victim);
            Assert.True(cluster.LiveSilos.Contains(victim), $"silo {victim} did not rejoin");
        }

        if (wipe)
        {
            await cluster.WaitSyncedAsync(backupVictim);
        }

        var (lost, acknowledged) = await workload.FindNewlyLostAsync();
        var byClass = ChaosWorkload.Classes.ToDictionary(c => c, c => (acknowledged[c], lost.Count(w => w.Bucket.Durability == c)));
        var result = new ChaosRoundResult(round, victimName, recovery, byClass, timeline);

        Assert.True(lost.All(w => w.Bucket.Durability != "critical"), $"round {round} ({victimName}) lost acknowledged critical writes: {string.Join(", ", lost.Where(w => w.Bucket.Durability == "critical").Take(5))}\n{result}");
        Assert.True(lost.All(w => w.AcknowledgedAt <= killedAt), $"round {round} lost writes acknowledged after the crash: {string.Join(", ", lost.Where(w => w.AcknowledgedAt > killedAt).Take(5))}\n{result}");
        if (victim >= Silos)
        {
            Assert.True(lost.Count == 0, $"a crash of {victimName} lost {lost.Count} acknowledged writes\n{result}");
        }

        AssertLinearizable(workload.CheckHistory(bucket => bucket.Durability == "critical"), $"round {round} ({victimName}), critical buckets");
        for (var server = 0; server < cluster.BackupServerCount; server++)
        {
            var report = BackupVerifier.VerifyDirectory(cluster.BackupDirectoryOf(server));
            Assert.True(report.IsHealthy, $"backup server {server}'s files damaged after round {round}: {string.Join("; ", report.Problems)}");
        }

        return result;
    }

    /// <summary>A violation fails the round; a key over the checker's budget is only reported (it proves nothing either way).</summary>
    private static void AssertLinearizable(LinearizabilityResult result, string what)
    {
        Assert.False(result is LinearizabilityResult.Violation, $"{what}: the history is not linearizable: {result}");
        if (result is LinearizabilityResult.Undecided)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{what}: linearizability {result}");
        }
    }

    /// <summary>
    /// The silos' settings: the timeline's logging, and <c>BUCKETS_CHAOS_MEMBERSHIP</c> (e.g.
    /// <c>ProbeTimeout=00:00:05,NumMissedProbesLimit=3,RangeLeaseDuration=00:00:30</c> for Orleans' own
    /// defaults; <c>production</c> drops the test cluster's heartbeat setting too) over the product's
    /// failure-detection defaults, to measure others.
    /// </summary>
    private static Dictionary<string, string?> SiloSettings()
    {
        var settings = new Dictionary<string, string?>(TimelineLogging);
        if (Environment.GetEnvironmentVariable("BUCKETS_CHAOS_MEMBERSHIP") is not { Length: > 0 } membership)
        {
            return settings;
        }

        foreach (var key in ClusterDeployment.MembershipSettingKeys)
        {
            settings[key] = null;
        }

        foreach (var pair in membership.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(p => p != "production"))
        {
            var (name, value) = pair.IndexOf('=') is > 0 and var at ? (pair[..at], pair[(at + 1)..]) : throw new ArgumentException($"BUCKETS_CHAOS_MEMBERSHIP: '{pair}' is not Name=Value.");
            settings[(name.StartsWith("RangeLeaseDuration", StringComparison.Ordinal) ? "Buckets:GrainDirectory:" : "Buckets:Membership:") + name] = value;
        }

        return settings;
    }

    /// <summary>The recovery bound, or <c>BUCKETS_CHAOS_RECOVERY_BOUND</c> seconds (to measure slower settings).</summary>
    private static TimeSpan Bound() =>
        double.TryParse(Environment.GetEnvironmentVariable("BUCKETS_CHAOS_RECOVERY_BOUND"), CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : RecoveryBound;

    /// <summary>With <c>BUCKETS_CHAOS_LOGS</c> (a directory), every process's log so far, for a look behind the timeline.</summary>
    private static void KeepLogs(ClusterDeployment cluster, string name)
    {
        if (Environment.GetEnvironmentVariable("BUCKETS_CHAOS_LOGS") is { Length: > 0 } logs)
        {
            Directory.CreateDirectory(logs);
            File.WriteAllText(Path.Combine(logs, name + ".log"), cluster.Output);
        }
    }

    private static TimeSpan PauseLength() =>
        double.TryParse(Environment.GetEnvironmentVariable("BUCKETS_CHAOS_PAUSE"), CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : DefaultPause;

    private static void Report(IReadOnlyList<ChaosRoundResult> results, string? note = null)
    {
        var table = string.Join(Environment.NewLine, [ChaosRoundResult.Header, .. results.Select(r => r.ToString())]);
        var timelines = results.Where(r => r.Timeline is not null).Select(r => r.Timeline!.ToString()).ToList();
        if (timelines.Count > 0)
        {
            table += $"{Environment.NewLine}{Environment.NewLine}Recovery timeline, seconds after the kill:{Environment.NewLine}{string.Join(Environment.NewLine, [RecoveryTimeline.Header, .. timelines])}";
        }

        Write(note is null ? table : $"{table}{Environment.NewLine}{note}");
    }

    private static void Write(string text)
    {
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        if (Environment.GetEnvironmentVariable("BUCKETS_CHAOS_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllText(path, text + Environment.NewLine);
        }
    }
}
