using Buckets.Abstractions;
using Buckets.Abstractions.Backup;

namespace Buckets.Grains.Backup;

/// <summary>One backup server in the silo's list: its position, its identity for placement, and how to call it.</summary>
/// <param name="Index">Its position in the list (the same on every node).</param>
/// <param name="Id">Its identity, as <see cref="ReplicaPlacement.ServerId"/> gives it.</param>
/// <param name="Client">How this silo calls it.</param>
public sealed record BackupReplica(int Index, string Id, IBackupClient Client);

/// <summary>
/// The backup servers this silo knows and which of them keep a bucket (<see cref="ReplicaPlacement"/>):
/// R by durability class, capped at the list's length, and the write quorum of a critical bucket.
/// Empty when backups are off. Thread-safe (immutable).
/// </summary>
public sealed class BackupReplicas
{
    /// <summary>The identity of the one backup service of a single-server deployment (development, tests).</summary>
    public const string LocalId = "local";

    private readonly string[] _ids;
    private readonly ReplicationOptions _options;

    public BackupReplicas(IReadOnlyList<BackupReplica> servers, ReplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(servers);
        ArgumentNullException.ThrowIfNull(options);
        if (servers.Count > ReplicaPlacement.MaxServers)
        {
            throw new ArgumentException($"At most {ReplicaPlacement.MaxServers} backup servers are supported; {servers.Count} are configured.", nameof(servers));
        }

        Servers = servers;
        _ids = [.. servers.Select(server => server.Id)];
        _options = options;
    }

    /// <summary>Every backup server, in list order.</summary>
    public IReadOnlyList<BackupReplica> Servers { get; }

    /// <summary>True when a backup server exists; false for a pure-cache deployment.</summary>
    public bool IsEnabled => Servers.Count > 0;

    /// <summary>The configured replica count of a class, before the cap.</summary>
    public int ConfiguredCount(Durability durability) => durability switch
    {
        Durability.Critical => _options.Critical,
        Durability.Standard => _options.Standard,
        _ => 0,
    };

    /// <summary>How many servers keep a bucket of this class: the setting, capped at the number of servers.</summary>
    public int CountFor(Durability durability) => Math.Min(ConfiguredCount(durability), Servers.Count);

    /// <summary>The bucket's replicas, highest placement weight first.</summary>
    public IReadOnlyList<BackupReplica> For(string bucketId, Durability durability) =>
        [.. ReplicaPlacement.Replicas(bucketId, _ids, CountFor(durability)).Select(index => Servers[index])];

    /// <summary>Replicas that must store a critical write among <paramref name="replicas"/>: the setting, else a majority, never more than there are.</summary>
    public int WriteQuorum(int replicas) =>
        Math.Min(replicas, Math.Max(ReplicaPlacement.Majority(replicas), _options.CriticalWriteQuorum));

    /// <summary>The server a pull comes from, by its identity; <c>null</c> when it is not in this silo's list.</summary>
    public BackupReplica? Find(string? serverId) =>
        serverId is null
            ? Servers.Count == 1 ? Servers[0] : null
            : Servers.FirstOrDefault(server => string.Equals(server.Id, serverId, StringComparison.OrdinalIgnoreCase));
}
