using System.Diagnostics;

namespace Buckets.Verification.Tests.Model;

/// <summary>
/// Runs the Spin model of the backup protocol: <c>spin -a</c> with a configuration's switches,
/// pan compiled by gcc, then pan's exhaustive search (safety only: assertions), each bounded in
/// time. spin and gcc come from Debian's packages (scripts/test-packages.txt).
/// </summary>
public static class SpinRunner
{
    public const string ModelPath = "docs/model/backup-protocol.pml";

    /// <summary>pan's search bounds: depth (steps of one run; the deepest configuration needs about 100) and hash table size (2^22 slots).</summary>
    private const string PanArguments = "-m100000 -w22";

    /// <summary>MEMLIM (MB) stops a runaway search; pan.c's own warnings are not ours to fix.</summary>
    private const string GccArguments = "-w -DSAFETY -DNOCLAIM -DMEMLIM=1024 -o pan pan.c";

    /// <summary>
    /// -O1 compiles in a third of -O2's time and searches as fast here; a broken variant stops after
    /// a few thousand states, so -O0 (half the compile time again) is enough for it.
    /// </summary>
    private const string Optimized = "-O1";
    private const string Unoptimized = "-O0";

    /// <summary>Per step; the CI configurations take seconds, the extended ones up to a few minutes.</summary>
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(10);

    private static string Root { get; } = FindRoot();

    public static async Task<SpinVerdict> RunAsync(ModelConfiguration configuration, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var directory = Directory.CreateTempSubdirectory("buckets-spin-");
        try
        {
            File.Copy(Path.Combine(Root, ModelPath), Path.Combine(directory.FullName, "model.pml"));
            await RunStepAsync("spin", $"-a {configuration.SpinSwitches} model.pml", directory.FullName, cancellation);
            var optimization = configuration.Variant is null ? Optimized : Unoptimized;
            var compression = configuration.Compression is { } flags ? flags + " " : "";
            await RunStepAsync("gcc", $"{optimization} {compression}{GccArguments}", directory.FullName, cancellation);
            var watch = Stopwatch.StartNew();
            var (_, output) = await RunStepAsync(Path.Combine(directory.FullName, "pan"), PanArguments, directory.FullName, cancellation, exitCodeMatters: false);
            return SpinVerdict.Parse(output, watch.Elapsed);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunStepAsync(string file, string arguments, string directory, CancellationToken cancellation, bool exitCodeMatters = true)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(StepTimeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} ran past {StepTimeout}");
        }

        var output = await stdout + await stderr;
        if (exitCodeMatters && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} exited with {process.ExitCode}:\n{output}");
        }

        return (process.ExitCode, output);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Buckets.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Buckets.sln not found above " + AppContext.BaseDirectory);
    }
}
