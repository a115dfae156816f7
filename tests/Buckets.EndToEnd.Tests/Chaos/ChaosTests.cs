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
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task KillingASiloMidLoadLosesNoAcknowledgedCriticalWrite()
    {
        await using var cluster = await ClusterDeployment.StartAsync(Silos);
        var workload = await ChaosWorkload.CreateAsync(cluster, BucketsPerClass);

        var result = await RunRoundAsync(cluster, workload, 1, victim: Silos - 1);

        Report([result]);
    }

    [Fact]
    public async Task GracefulSiloStopUnderLoadLosesNoAcknowledgedWriteOfAnyClass()
    {
        await using var cluster = await ClusterDeployment.StartAsync(Silos);
        var workload = await ChaosWorkload.CreateAsync(cluster, BucketsPerClass);
        for (var i = 0; i < WriteRoundsBeforeKill; i++)
        {
            await workload.WriteRoundAsync(Parallelism);
        }

        // A rolling update: SIGTERM while the load goes on; buckets migrate with their state.
        var stop = cluster.StopSiloGracefullyAsync(Silos - 1);
        for (var i = 0; i < WriteRoundsAfterKill; i++)
        {
            await workload.WriteRoundAsync(Parallelism);
        }

        await stop;
        await cluster.StartSiloAsync(Silos - 1);
        var (lost, _) = await workload.FindNewlyLostAsync();

        Assert.True(lost.Count == 0, $"a graceful stop lost {lost.Count} acknowledged writes: {string.Join(", ", lost.Take(5))}\n{cluster.Output}");
        AssertLinearizable(workload.CheckHistory(_ => true), "a graceful stop, every class");
    }

    /// <summary>The chaos script's entry point: <c>BUCKETS_CHAOS_ROUNDS</c> rounds (default 2), random victims.</summary>
    [Fact]
    public async Task ChaosRoundsKeepEveryInvariant()
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("BUCKETS_CHAOS_ROUNDS"), CultureInfo.InvariantCulture, out var r) ? r : 2;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("BUCKETS_CHAOS_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Environment.TickCount;
        var random = new Random(seed);
        await using var cluster = await ClusterDeployment.StartAsync(Silos, BackupServers);
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
        if (victim < Silos)
        {
            cluster.KillSilo(victim);
        }
        else
        {
            cluster.KillBackupServer(backupVictim, wipe);
        }

        // Recovery is measured while the load goes on: from the crash until every bucket answers.
        var recovering = workload.WaitAllAnswerAsync(killedAt, RecoveryBound);
        for (var i = 0; i < WriteRoundsAfterKill; i++)
        {
            await workload.WriteRoundAsync(Parallelism);
        }

        if (victim >= Silos)
        {
            await cluster.StartBackupServerAsync(backupVictim);
        }

        var recovery = await recovering;
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
        var result = new ChaosRoundResult(round, victimName, recovery, byClass);

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

    private static void Report(IReadOnlyList<ChaosRoundResult> results, string? note = null)
    {
        var table = string.Join(Environment.NewLine, [ChaosRoundResult.Header, .. results.Select(r => r.ToString())]);
        var text = note is null ? table : $"{table}{Environment.NewLine}{note}";
        TestContext.Current.TestOutputHelper?.WriteLine(text);
        if (Environment.GetEnvironmentVariable("BUCKETS_CHAOS_REPORT") is { Length: > 0 } path)
        {
            File.AppendAllText(path, text + Environment.NewLine);
        }
    }
}
