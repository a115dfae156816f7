namespace Buckets.Abstractions.Backup;

/// <summary>A backup server asks a silo for the changes it lacks, acknowledging what it stored since its last pull.</summary>
/// <param name="Acks">Answers to the batches of the previous pull.</param>
/// <param name="MaxBatches">Most buckets to return changes for.</param>
/// <param name="MaxChangesPerBatch">Most changes per bucket.</param>
/// <param name="Replica">The pulling server's id in the server list (<see cref="ReplicaPlacement.ServerId"/>); a silo with one backup server also takes a pull without it.</param>
/// <param name="Incarnation">The id of the pulling server's data directory: when it changes, the server lost what it stored (a replaced or wiped disk), and the silo's buckets stop counting on what it confirmed before.</param>
public sealed record PullRequest(IReadOnlyList<BackupAck> Acks, int MaxBatches, int MaxChangesPerBatch, string? Replica = null, string? Incarnation = null);
