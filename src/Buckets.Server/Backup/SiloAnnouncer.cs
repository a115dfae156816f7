using Buckets.Abstractions.Backup;
using Buckets.Backup.Endpoints;
using Buckets.Hosting.Http;
using Buckets.Hosting.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Backup;

/// <summary>
/// Remote mode: tells the backup server, periodically, where to pull this silo. Repeating it makes a
/// restarted backup server find every silo again within one interval.
/// </summary>
internal sealed partial class SiloAnnouncer(
    IHttpClientFactory clients,
    InternalToken token,
    IServer server,
    HttpSurfaces surfaces,
    IOptions<BackupClientOptions> options,
    IOptions<Hosting.HostingOptions> hosting,
    TimeProvider time,
    ILogger<SiloAnnouncer> logger) : BackgroundService
{
    public const string HttpClientName = "buckets-backup";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (OwnAddress() is { } address)
                {
                    // Every backup server pulls every silo (each only the buckets it keeps), so each must know this one.
                    await Task.WhenAll(options.Value.EffectiveServers.Select(server => AnnounceAsync(server, address, stoppingToken)));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(options.Value.AnnounceInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task AnnounceAsync(Uri server, string address, CancellationToken cancellationToken)
    {
        try
        {
            using var client = clients.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/internal/v1/silos")) { Content = JsonContent.Create(new SiloAnnouncement(address, [.. options.Value.EffectiveServers.Select(ReplicaPlacement.ServerId)])) };
            request.Headers.Authorization = new("Bearer", token.Value);
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogAnnounceFailed(logger, ReplicaPlacement.ServerId(server), e.Message);
        }
    }

    private string? OwnAddress()
    {
        if (options.Value.AnnounceAddress is { } configured)
        {
            return configured.ToString();
        }

        // The backup server pulls /internal/v1/backup/pull, served on the internal listener when there is one.
        var uri = (server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            .Select(listening => Uri.TryCreate(listening.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal), UriKind.Absolute, out var parsed) ? parsed : null)
            .FirstOrDefault(parsed => parsed is not null && (!surfaces.Separated || surfaces.IsInternalPort(parsed.Port)));
        if (uri is null)
        {
            return null;
        }

        var host = uri.Host is "0.0.0.0" or "[::]" or "localhost" && hosting.Value.AdvertisedAddress is { Length: > 0 } advertised ? advertised : uri.Host;
        return new UriBuilder(uri) { Host = host }.Uri.ToString();
    }

    [LoggerMessage(4001, LogLevel.Warning, "Could not announce this silo to backup server {Server}: {Reason}")]
    private static partial void LogAnnounceFailed(ILogger logger, string server, string reason);
}
