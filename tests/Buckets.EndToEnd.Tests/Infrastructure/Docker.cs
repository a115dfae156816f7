using System.Diagnostics;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The docker command line, and the engine and images the container tests need, made ready by
/// <c>scripts/containers.sh</c>. Never skips: a machine where docker cannot run fails the tests,
/// with the script's own message.
/// </summary>
public static class Docker
{
    public const string ServerImage = "buckets/server";
    public const string BackupServerImage = "buckets/backup-server";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    // A cold machine makes the base images and builds both apps from source inside the builder.
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(20);

    /// <summary>The client: <c>BUCKETS_DOCKER</c>, else Debian's (the one the script uses), else the PATH's.</summary>
    public static string Client { get; } =
        Environment.GetEnvironmentVariable("BUCKETS_DOCKER") is { Length: > 0 } given ? given
        : File.Exists("/usr/bin/docker") ? "/usr/bin/docker"
        : "docker";

    /// <summary>
    /// Starts the engine when it is not running and builds both images (cached layers make a rebuild of
    /// unchanged sources take seconds). Returns true when this call started the engine.
    /// </summary>
    public static async Task<bool> EnsureImagesAsync()
    {
        var running = (await TryRunAsync(CommandTimeout, "info")).ExitCode == 0;
        var (exitCode, output) = await ScriptAsync("build", BuildTimeout);
        Assert.True(exitCode == 0, $"scripts/containers.sh build failed (exit {exitCode}), so the images cannot be tested:\n{output}");
        return !running;
    }

    /// <summary>Stops the engine if <see cref="EnsureImagesAsync"/> started it.</summary>
    public static Task StopEngineAsync() => ScriptAsync("stop-engine", CommandTimeout);

    /// <summary>Runs a docker command that must succeed and returns what it printed.</summary>
    public static async Task<string> RunAsync(params string[] args)
    {
        var (exitCode, output, errors) = await TryRunAsync(CommandTimeout, args);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"docker {string.Join(' ', args)} exited {exitCode}:\n{errors}{output}");
        }

        return output.Trim();
    }

    public static async Task<(int ExitCode, string Output, string Errors)> TryRunAsync(TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo(Client)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"docker {string.Join(' ', args)} did not finish within {timeout}");
        }

        return (process.ExitCode, await output, await errors);
    }

    private static async Task<(int ExitCode, string Output)> ScriptAsync(string command, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepoPaths.Root, "scripts", "containers.sh"), command])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"scripts/containers.sh {command} did not finish within {timeout}:\n{await output}{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }
}
