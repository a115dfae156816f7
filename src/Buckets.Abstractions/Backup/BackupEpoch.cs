namespace Buckets.Abstractions.Backup;

/// <summary>One replica's answer to an epoch request, and the saved state it holds when that was asked for.</summary>
/// <param name="Epoch">Granted: the epoch, older ones are now fenced off at this replica. Refused: the highest epoch it knows.</param>
/// <param name="LastSeq">The last stored change.</param>
/// <param name="Snapshot">The saved state as an Englang snapshot (UTF-8), in consecutive pieces so no one buffer holds a whole bucket; empty when nothing is saved or it was not asked for.</param>
public sealed record BackupEpoch(long Epoch, long LastSeq, IReadOnlyList<byte[]> Snapshot)
{
    /// <summary>False when the replica knows an epoch at or above the one proposed.</summary>
    public bool Granted { get; init; } = true;

    /// <summary>The epoch whose activation wrote the replica's last stored change: an election prefers the highest (writer epoch, last change).</summary>
    public long WriterEpoch { get; init; }
}
