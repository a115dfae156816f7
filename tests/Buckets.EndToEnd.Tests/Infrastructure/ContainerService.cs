using System.Diagnostics;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One Buckets program running as a container on the host's network, listening on 127.0.0.1 only.
/// <see cref="KillAsync"/> is <c>docker kill</c> (SIGKILL), like a node that died; the container is
/// removed on dispose.
/// </summary>
public sealed class ContainerService : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ReadyPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ExitCheckInterval = TimeSpan.FromSeconds(1);

    private ContainerService(string name, string containerName, Uri baseAddress, Uri internalAddress)
    {
        Name = name;
        ContainerName = containerName;
        BaseAddress = baseAddress;
        InternalAddress = internalAddress;
    }

    public string Name { get; }

    /// <summary>The container's name for docker.</summary>
    public string ContainerName { get; }

    /// <summary>The public listener: the tenant API and health.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The internal listener: <c>/internal</c>, <c>/admin</c> and <c>/metrics</c>.</summary>
    public Uri InternalAddress { get; }

    /// <summary>From <c>docker run</c> (or <c>docker start</c>) until <c>/readyz</c> first answered 200.</summary>
    public TimeSpan StartToReady { get; private set; }

    /// <summary>
    /// Runs <paramref name="image"/> with <paramref name="options"/> (security and mounts) and
    /// <paramref name="settings"/> as environment variables, listening on the given loopback ports,
    /// and waits until it is ready. A container that exits or never gets ready fails with its log.
    /// </summary>
    public static async Task<ContainerService> StartAsync(
        string name, string containerName, string image, IEnumerable<string> options, IReadOnlyDictionary<string, string> settings, int httpPort, int internalPort)
    {
        var service = new ContainerService(name, containerName, new Uri($"http://127.0.0.1:{httpPort}"), new Uri($"http://127.0.0.1:{internalPort}"));
        var environment = new Dictionary<string, string>(settings)
        {
            ["Urls"] = service.BaseAddress.ToString().TrimEnd('/'),
            ["Buckets:Http:InternalUrls"] = service.InternalAddress.ToString().TrimEnd('/'),
        };
        var args = new List<string> { "run", "--detach", "--name", containerName, "--network", "host" };
        args.AddRange(options);
        foreach (var (key, value) in environment)
        {
            args.AddRange(["--env", $"{key.Replace(":", "__", StringComparison.Ordinal)}={value}"]);
        }

        args.Add(image);
        var clock = Stopwatch.StartNew();
        await Docker.RunAsync([.. args]);
        await service.WaitReadyAsync(clock);
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

    /// <summary>SIGKILL to the container's process, and waits until docker reports it stopped.</summary>
    public Task KillAsync() => Docker.RunAsync("kill", ContainerName);

    /// <summary>Starts the stopped container again (same settings, ports and volumes), as a restarted pod would.</summary>
    public async Task RestartAsync()
    {
        var clock = Stopwatch.StartNew();
        await Docker.RunAsync("start", ContainerName);
        await WaitReadyAsync(clock);
    }

    /// <summary>Everything the container wrote to stdout and stderr.</summary>
    public async Task<string> LogsAsync()
    {
        var (_, output, errors) = await Docker.TryRunAsync(TimeSpan.FromSeconds(30), "logs", ContainerName);
        return output + errors;
    }

    public async ValueTask DisposeAsync() => await Docker.TryRunAsync(TimeSpan.FromSeconds(30), "rm", "--force", ContainerName);

    private async Task WaitReadyAsync(Stopwatch clock)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var lastExitCheck = TimeSpan.Zero;
        while (clock.Elapsed < StartTimeout)
        {
            try
            {
                using var response = await client.GetAsync("/readyz");
                if (response.IsSuccessStatusCode)
                {
                    StartToReady = clock.Elapsed;
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

            if (clock.Elapsed - lastExitCheck > ExitCheckInterval)
            {
                lastExitCheck = clock.Elapsed;
                if (await Docker.RunAsync("inspect", "--format", "{{.State.Running}}", ContainerName) != "true")
                {
                    throw new InvalidOperationException($"{Name} ({ContainerName}) exited during start-up:{Environment.NewLine}{await LogsAsync()}");
                }
            }

            await Task.Delay(ReadyPollInterval);
        }

        throw new TimeoutException($"{Name} was not ready on {BaseAddress} within {StartTimeout}:{Environment.NewLine}{await LogsAsync()}");
    }
}
