using Buckets.Hosting.Security;
using Buckets.Server.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Security;

/// <summary>
/// Prints the generated admin token and the listening address once the server is up. Written to
/// the console on purpose, not through the logger, so the token never reaches a log sink.
/// </summary>
internal sealed class DevelopmentBanner(
    IHostApplicationLifetime lifetime,
    IServer server,
    IOptions<SecurityOptions> security,
    IOptions<HostingOptions> hosting) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            Console.Out.WriteLine($"""

                Buckets (development profile) is listening on {string.Join(", ", addresses)}
                Admin token: {security.Value.AdminToken}
                (kept in {Path.GetFullPath(hosting.Value.DataDirectory)}/secrets.json)

                """);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
