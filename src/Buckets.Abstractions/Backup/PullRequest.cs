namespace Buckets.Abstractions.Backup;

/// <summary>The backup server asks a silo for pending changes, acknowledging what it stored since the last pull.</summary>
/// <param name="Acks">Answers to the batches of the previous pull.</param>
/// <param name="MaxBatches">Most buckets to return changes for.</param>
/// <param name="MaxChangesPerBatch">Most changes per bucket.</param>
public sealed record PullRequest(IReadOnlyList<BackupAck> Acks, int MaxBatches, int MaxChangesPerBatch);
