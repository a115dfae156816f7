using Buckets.EndToEnd.Tests.Infrastructure;

namespace Buckets.EndToEnd.Tests.Containers;

/// <summary>
/// The engine and both images, made ready once for the container tests; the engine is stopped at the
/// end only if this fixture started it.
/// </summary>
public sealed class ContainerImages : IAsyncLifetime
{
    private bool _startedEngine;

    public async ValueTask InitializeAsync() => _startedEngine = await Docker.EnsureImagesAsync();

    public async ValueTask DisposeAsync()
    {
        if (_startedEngine)
        {
            await Docker.StopEngineAsync();
        }
    }
}
