using System.Text.Json;
using Buckets.Abstractions.Backup;
using Buckets.Backup.Events;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Cluster;

/// <summary>
/// At start, compares the server list with the one this server last ran with (kept in its data
/// directory as <c>servers.json</c>): every server added or removed since is logged and raised
/// at once as warnings (<see cref="BackupEventKind.ServerAdded"/>, <see cref="BackupEventKind.ServerRemoved"/>:
/// buckets move until their new replicas hold them), and a
/// replica count above the list's length is reported as capped. Moves (<see cref="BucketMoves"/>) then
/// bring the buckets to their new places.
/// </summary>
public sealed partial class ServerListHistory(
    IOptions<BackupClusterOptions> cluster,
    IOptions<BackupStoreOptions> store,
    IOptions<ReplicationOptions> replication,
    ILogger<ServerListHistory> logger,
    BackupEventLog? events = null) : IHostedService
{
    private const string FileName = "servers.json";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var current = cluster.Value.ServerIds;
        if (current.Count == 0)
        {
            return Task.CompletedTask;
        }

        ReportCap(current.Count);
        var path = Path.Combine(Path.GetFullPath(store.Value.DataDirectory), FileName);
        if (File.Exists(path) && JsonSerializer.Deserialize<string[]>(File.ReadAllText(path)) is { } last)
        {
            foreach (var added in current.Except(last, StringComparer.OrdinalIgnoreCase))
            {
                LogServerAdded(logger, added);
                events?.Raise(BackupEventKind.ServerAdded, BackupEventSeverity.Warning, $"Backup server {added} joined the server list; the buckets placed on it now move there.", new Dictionary<string, string> { ["server"] = added });
            }

            foreach (var removed in last.Except(current, StringComparer.OrdinalIgnoreCase))
            {
                LogServerRemoved(logger, removed);
                events?.Raise(BackupEventKind.ServerRemoved, BackupEventSeverity.Warning, $"Backup server {removed} left the server list; its buckets move to their new replicas.", new Dictionary<string, string> { ["server"] = removed });
            }
        }

        DurableFiles.WriteAtomically(path, stream => JsonSerializer.Serialize(stream, current.ToArray()));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void ReportCap(int servers)
    {
        var options = replication.Value;
        foreach (var (name, configured) in new[] { ("critical", options.Critical), ("standard", options.Standard) })
        {
            if (configured > servers)
            {
                LogCapped(logger, name, configured, servers);
            }
        }
    }

    [LoggerMessage(3601, LogLevel.Information, "Backup server {Server} joined the server list since this server last started")]
    private static partial void LogServerAdded(ILogger logger, string server);

    [LoggerMessage(3602, LogLevel.Information, "Backup server {Server} left the server list since this server last started")]
    private static partial void LogServerRemoved(ILogger logger, string server);

    [LoggerMessage(3603, LogLevel.Warning, "{Class} buckets are to be kept by {Configured} backup servers but the list has {Servers}: each is kept by all {Servers}")]
    private static partial void LogCapped(ILogger logger, string @class, int configured, int servers);
}
