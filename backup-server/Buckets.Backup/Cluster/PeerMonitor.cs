using System.Collections.Concurrent;
using System.Net.Http.Json;
using Buckets.Backup.Events;
using Buckets.Hosting.Security;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Cluster;

/// <summary>What this server last learned of one peer.</summary>
/// <param name="Server">The peer's id.</param>
/// <param name="Reachable">Whether it answered the last check.</param>
/// <param name="CheckedAt">When it was last asked.</param>
/// <param name="ListDifference">How its server list differs from this one's, or <c>null</c> when they agree (or it did not answer).</param>
public sealed record PeerState(string Server, bool Reachable, DateTimeOffset CheckedAt, string? ListDifference);

/// <summary>
/// Asks every peer in <c>Backup:Cluster:Servers</c> for its server list, at start and every
/// <see cref="BackupClusterOptions.PeerCheckInterval"/>: a list that differs is logged as an error
/// naming the servers, a peer that stops or starts answering is logged once per change; each is also
/// raised as an event (<see cref="BackupEventKind.ServerListMismatch"/>, <see cref="BackupEventKind.ServerUnreachable"/>,
/// <see cref="BackupEventKind.ServerBack"/>). Silos' lists are checked as they announce themselves (<see cref="CheckSilo"/>).
/// </summary>
public sealed partial class PeerMonitor(
    IOptions<BackupClusterOptions> options,
    TimeProvider time,
    ILogger<PeerMonitor> logger,
    IHttpClientFactory? clients = null,
    InternalToken? token = null,
    BackupEventLog? events = null) : BackgroundService
{
    public const string HttpClientName = "buckets-backup-peers";
    public const string ClusterPath = "/internal/v1/cluster";

    private readonly ConcurrentDictionary<string, PeerState> _peers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, string> _siloDifferences = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>This server's own view, as peers and silos compare theirs with it.</summary>
    public ServerList Own => new(options.Value.SelfId, options.Value.ServerIds);

    /// <summary>What was last learned of each peer.</summary>
    public IReadOnlyCollection<PeerState> Peers => [.. _peers.Values.OrderBy(peer => peer.Server, StringComparer.Ordinal)];

    /// <summary>Silos whose list differs from this server's, with how.</summary>
    public IReadOnlyDictionary<string, string> SiloDifferences => _siloDifferences;

    /// <summary>Compares a silo's list (as it announced itself) with this server's; logs a difference once until it changes.</summary>
    public void CheckSilo(string silo, IReadOnlyList<string>? servers)
    {
        ArgumentNullException.ThrowIfNull(silo);
        if (servers is null || Own.Servers.Count == 0 && servers.Count <= 1)
        {
            return;
        }

        if (Own.DifferenceFrom(servers) is { } difference)
        {
            if (_siloDifferences.TryGetValue(silo, out var known) && known == difference)
            {
                return;
            }

            _siloDifferences[silo] = difference;
            LogSiloListDiffers(logger, silo, difference);
            events?.Raise(
                BackupEventKind.ServerListMismatch,
                BackupEventSeverity.Failure,
                $"Silo {silo} has another backup server list than this server ({difference}): buckets are placed differently there; make Buckets:Backup:Servers on silos the same as Backup:Cluster:Servers.",
                new Dictionary<string, string> { ["silo"] = silo, ["difference"] = difference });
        }
        else
        {
            _siloDifferences.TryRemove(silo, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var self = settings.SelfId;
        var peers = settings.Servers.Where(server => !string.Equals(Abstractions.Backup.ReplicaPlacement.ServerId(server), self, StringComparison.OrdinalIgnoreCase)).ToList();
        if (peers.Count == 0 || clients is null || token is null)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.PeerCheckInterval, time);
        do
        {
            await Task.WhenAll(peers.Select(peer => CheckPeerAsync(peer, stoppingToken)));
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task CheckPeerAsync(Uri peer, CancellationToken cancellationToken)
    {
        var id = Abstractions.Backup.ReplicaPlacement.ServerId(peer);
        ServerList? theirs = null;
        try
        {
            using var client = clients!.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(peer, ClusterPath));
            request.Headers.Authorization = new("Bearer", token!.Value);
            using var response = await client.SendAsync(request, cancellationToken);
            response.EnsureSuccessStatusCode();
            theirs = await response.Content.ReadFromJsonAsync<ServerList>(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            theirs = null;
        }

        var difference = theirs is null ? null : Own.DifferenceFrom(theirs.Servers);
        var now = time.GetUtcNow();
        var previous = _peers.TryGetValue(id, out var known) ? known : null;
        _peers[id] = new PeerState(id, theirs is not null, now, difference);
        if (theirs is null && previous?.Reachable != false)
        {
            LogPeerUnreachable(logger, id);
            events?.Raise(BackupEventKind.ServerUnreachable, BackupEventSeverity.Warning, $"Backup server {id} does not answer.", new Dictionary<string, string> { ["server"] = id });
        }
        else if (theirs is not null && previous is { Reachable: false })
        {
            LogPeerBack(logger, id);
            events?.Raise(BackupEventKind.ServerBack, BackupEventSeverity.Info, $"Backup server {id} answers again.", new Dictionary<string, string> { ["server"] = id });
        }

        if (difference is not null && difference != previous?.ListDifference)
        {
            LogPeerListDiffers(logger, id, difference);
            events?.Raise(
                BackupEventKind.ServerListMismatch,
                BackupEventSeverity.Failure,
                $"Backup server {id} has another server list than this one ({difference}): buckets are placed differently there; make Backup:Cluster:Servers the same everywhere.",
                new Dictionary<string, string> { ["server"] = id, ["difference"] = difference });
        }
    }

    [LoggerMessage(3301, LogLevel.Error, "Backup server {Peer} has another server list than this one ({Difference}): buckets are placed differently there; make Backup:Cluster:Servers the same everywhere")]
    private static partial void LogPeerListDiffers(ILogger logger, string peer, string difference);

    [LoggerMessage(3302, LogLevel.Error, "Silo {Silo} has another backup server list than this server ({Difference}): make Buckets:Backup:Servers on silos the same as Backup:Cluster:Servers")]
    private static partial void LogSiloListDiffers(ILogger logger, string silo, string difference);

    [LoggerMessage(3303, LogLevel.Warning, "Backup server {Peer} does not answer")]
    private static partial void LogPeerUnreachable(ILogger logger, string peer);

    [LoggerMessage(3304, LogLevel.Information, "Backup server {Peer} answers again")]
    private static partial void LogPeerBack(ILogger logger, string peer);
}
