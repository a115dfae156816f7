using System.Collections.Concurrent;
using System.Diagnostics;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A built Buckets executable running as its own OS process on 127.0.0.1. Output is captured so
/// a failing test can show it; <see cref="Kill"/> is a hard kill (SIGKILL), like a crashed node.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Process _process;

    private ServiceProcess(string name, Process process, Uri baseAddress, Uri internalAddress, int respPort)
    {
        Name = name;
        RespPort = respPort;
        _process = process;
        BaseAddress = baseAddress;
        InternalAddress = internalAddress;
    }

    public string Name { get; }

    /// <summary>The public listener: the tenant API and health.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The internal listener: <c>/internal</c>, <c>/admin</c> and <c>/metrics</c>.</summary>
    public Uri InternalAddress { get; }

    /// <summary>The Redis-protocol listener (a free port, so processes started side by side do not share development's 6379).</summary>
    public int RespPort { get; }

    public string Output => string.Join(Environment.NewLine, _output);

    public bool HasExited => _process.HasExited;

    /// <summary>Resident memory of the process now, from /proc.</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    /// <summary>Starts the assembly with settings as environment variables and waits until <c>/readyz</c> answers 200.</summary>
    public static async Task<ServiceProcess> StartAsync(string name, string assembly, string workingDirectory, int httpPort, IReadOnlyDictionary<string, string> settings, int? internalPort = null)
    {
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{assembly} is not built; build the solution first.", assembly);
        }

        var baseAddress = new Uri($"http://127.0.0.1:{httpPort}");
        var internalAddress = new Uri($"http://127.0.0.1:{internalPort ?? FreePorts.Next()}");
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assembly);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        info.Environment["Buckets__Http__InternalUrls"] = internalAddress.ToString().TrimEnd('/');
        var respPort = FreePorts.Next();
        info.Environment["Buckets__Resp__Port"] = respPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new ServiceProcess(name, process, baseAddress, internalAddress, respPort);
        process.OutputDataReceived += (_, e) => service.Capture(e.Data);
        process.ErrorDataReceived += (_, e) => service.Capture(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await service.WaitReadyAsync();
        }
        catch
        {
            // A process that never became ready must not outlive the test that started it.
            await service.DisposeAsync();
            throw;
        }

        return service;
    }

    public HttpClient CreateClient(string? bearer = null)
    {
        var client = new HttpClient(new SurfaceRouter(InternalAddress)) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
        }

        return client;
    }

    /// <summary>Asks the process to shut down (SIGTERM, as Kubernetes does) and waits for it to exit.</summary>
    public async Task StopGracefullyAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var signal = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await signal.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
    }

    /// <summary>Stops the process without ending it (SIGSTOP), as a long GC pause or a starved CPU would; <see cref="Resume"/> lets it go on.</summary>
    public void Pause() => Signal("-STOP");

    /// <summary>Lets a paused process go on (SIGCONT).</summary>
    public void Resume() => Signal("-CONT");

    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private void Capture(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue($"[{Name}] {line}");
        }
    }

    private async Task WaitReadyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} during start-up:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await client.GetAsync("/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but not answering yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name} was not ready on {BaseAddress} within {StartTimeout}:{Environment.NewLine}{Output}");
    }
}
