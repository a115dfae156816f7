namespace Buckets.Backup.Storage;

/// <summary>One replica's answer to an epoch request, with the state the activation must start from when asked for.</summary>
/// <param name="Epoch">Granted: the activation's epoch, changes from older epochs are refused from now on. Refused: the highest epoch this replica knows.</param>
/// <param name="LastSeq">The sequence number of the last stored change.</param>
/// <param name="Snapshot">The state at <paramref name="LastSeq"/> as an Englang snapshot (UTF-8); empty when not asked for.</param>
public sealed record EpochGrant(long Epoch, long LastSeq, byte[] Snapshot)
{
    /// <summary>False when the proposed epoch was not above every epoch this replica knows.</summary>
    public bool Granted { get; init; } = true;

    /// <summary>The epoch whose activation wrote the last stored change: with <see cref="LastSeq"/>, what an election compares.</summary>
    public long WriterEpoch { get; init; }
}
