namespace Buckets.Backup.Cluster;

/// <summary>Body of <c>GET /admin/v1/cluster</c>: this server's place among the backup servers, its peers, lists that differ, and resync progress.</summary>
/// <param name="Servers">This server's id and its server list.</param>
/// <param name="Peers">What was last learned of each peer.</param>
/// <param name="SiloListDifferences">Silos whose backup server list differs from this one's, with how.</param>
/// <param name="Resync">Resync progress (not resyncing for a server whose data is whole).</param>
/// <param name="Moves">What the last pass of moves did (buckets copied in, forgotten, waiting for their new replicas).</param>
/// <param name="Leaving">True when this server is leaving the list (<c>Backup:Cluster:Leaving</c>): it holds copies only until their new replicas do.</param>
public sealed record ClusterStatus(ServerList Servers, IReadOnlyCollection<PeerState> Peers, IReadOnlyDictionary<string, string> SiloListDifferences, ResyncProgress Resync, MoveProgress Moves, bool Leaving);
