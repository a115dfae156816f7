using System.ComponentModel.DataAnnotations;
using Buckets.Abstractions.Backup;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Cluster;

/// <summary>
/// This backup server's place among several. Bound from <c>Backup:Cluster</c>. Empty <see cref="Servers"/>
/// means a single backup server (it keeps every bucket); otherwise the list must be the same, in the
/// same order, on every backup server and silo (<c>Buckets:Backup:Servers</c>), and <see cref="Self"/>
/// names this one in it. See docs/backup-protocol.md.
/// </summary>
public sealed class BackupClusterOptions
{
    public const string SectionName = "Backup:Cluster";

    /// <summary>Every backup server's internal base URL, in the shared order.</summary>
    public IList<Uri> Servers { get; } = [];

    /// <summary>This server's entry in <see cref="Servers"/> or <see cref="Leaving"/> (in Kubernetes, from the pod's stable name).</summary>
    public Uri? Self { get; set; }

    /// <summary>
    /// Servers being removed from the list: no bucket is placed on them any more, but their copies are
    /// still read until every bucket they hold is on its new replicas (docs/backup-protocol.md, "Moves").
    /// A server that finds itself here forgets each bucket once its new replicas hold it.
    /// </summary>
    public IList<Uri> Leaving { get; } = [];

    /// <summary>How often this server asks its peers for their server list and whether they answer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan PeerCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The list as server ids (<see cref="ReplicaPlacement.ServerId"/>).</summary>
    public IReadOnlyList<string> ServerIds => [.. Servers.Select(ReplicaPlacement.ServerId)];

    /// <summary>Every server whose copies this one may read: the list and those leaving it, without itself.</summary>
    public IReadOnlyList<Uri> Peers => [.. Servers.Concat(Leaving).Where(server => !string.Equals(ReplicaPlacement.ServerId(server), SelfId, StringComparison.OrdinalIgnoreCase))];

    /// <summary>The position of a server in the list (ids compared as <see cref="ReplicaPlacement.ServerId"/> gives them), or -1 when it is not in it.</summary>
    public int IndexOf(string? serverId)
    {
        var ids = ServerIds;
        for (var i = 0; i < ids.Count; i++)
        {
            if (string.Equals(ids[i], serverId, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>True when this server is leaving the list.</summary>
    public bool IsLeaving => SelfId is { } self && !ServerIds.Contains(self, StringComparer.OrdinalIgnoreCase);

    /// <summary>This server's id, or <c>null</c> for a single backup server.</summary>
    public string? SelfId => Servers.Count > 0 && Self is { } self ? ReplicaPlacement.ServerId(self) : null;
}

/// <summary>Rules across <see cref="BackupClusterOptions"/> settings; reports every failure at once.</summary>
public sealed class BackupClusterOptionsValidator : IValidateOptions<BackupClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Servers.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.Servers.Concat(options.Leaving).Any(server => !server.IsAbsoluteUri || server.Scheme is not ("http" or "https")))
        {
            failures.Add($"Every {BackupClusterOptions.SectionName}:Servers and :Leaving entry must be an absolute http(s) URL.");
            return ValidateOptionsResult.Fail(failures);
        }

        if (options.Servers.Count > ReplicaPlacement.MaxServers)
        {
            failures.Add($"At most {ReplicaPlacement.MaxServers} backup servers are supported; {options.Servers.Count} are listed.");
        }

        if (options.ServerIds.GroupBy(id => id).FirstOrDefault(group => group.Count() > 1) is { } duplicate)
        {
            failures.Add($"Backup server {duplicate.Key} is listed twice in {BackupClusterOptions.SectionName}:Servers.");
        }

        if (options.Self is null)
        {
            failures.Add($"{BackupClusterOptions.SectionName}:Self is required when {BackupClusterOptions.SectionName}:Servers lists several servers: it names this one.");
        }
        else if (!options.ServerIds.Concat(options.Leaving.Select(ReplicaPlacement.ServerId)).Contains(ReplicaPlacement.ServerId(options.Self)))
        {
            failures.Add($"{BackupClusterOptions.SectionName}:Self ({ReplicaPlacement.ServerId(options.Self)}) is neither in {BackupClusterOptions.SectionName}:Servers nor in :Leaving.");
        }

        if (options.Leaving.Select(ReplicaPlacement.ServerId).FirstOrDefault(id => options.ServerIds.Contains(id)) is { } both)
        {
            failures.Add($"Backup server {both} is in both {BackupClusterOptions.SectionName}:Servers and :Leaving.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
