namespace Buckets.Backup.Cluster;

/// <summary>
/// Body of <c>GET /admin/v1/cluster</c>: this server's place among the backup servers, its peers, lists
/// that differ, resync progress, and the integrity sweep (buckets held and kept here, what the last
/// sweep found and repaired, and the buckets below their replication target). What
/// <c>buckets backup status</c> prints.
/// </summary>
/// <param name="Servers">This server's id and its server list.</param>
/// <param name="Peers">What was last learned of each peer.</param>
/// <param name="SiloListDifferences">Silos whose backup server list differs from this one's, with how.</param>
/// <param name="Resync">Resync progress (not resyncing for a server whose data is whole).</param>
/// <param name="Moves">What the last pass of moves did (buckets copied in, forgotten, waiting for their new replicas).</param>
/// <param name="Leaving">True when this server is leaving the list (<c>Backup:Cluster:Leaving</c>): it holds copies only until their new replicas do.</param>
/// <param name="Sweep">The integrity sweep: running or not, and the last one's report.</param>
public sealed record ClusterStatus(ServerList Servers, IReadOnlyCollection<PeerState> Peers, IReadOnlyDictionary<string, string> SiloListDifferences, ResyncProgress Resync, MoveProgress Moves, bool Leaving, SweepStatus Sweep);
