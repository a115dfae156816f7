namespace Buckets.Abstractions.Backup;

/// <summary>A bucket activation's epoch and the saved state it starts from.</summary>
/// <param name="Epoch">The epoch granted; older ones are now fenced off.</param>
/// <param name="LastSeq">The last stored change.</param>
/// <param name="Snapshot">The saved state as an Englang snapshot (UTF-8), in consecutive pieces so no one buffer holds a whole bucket; empty when nothing is saved.</param>
public sealed record BackupEpoch(long Epoch, long LastSeq, IReadOnlyList<byte[]> Snapshot);
