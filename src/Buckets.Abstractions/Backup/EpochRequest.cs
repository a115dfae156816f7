namespace Buckets.Abstractions.Backup;

/// <summary>An activation asks one replica to grant it an epoch (see docs/backup-protocol.md, "Epochs").</summary>
/// <param name="Proposed">The epoch asked for; <c>null</c> asks for one above every epoch the replica knows.</param>
/// <param name="WithState">True to receive the replica's state with the grant (one replica); false when the state is read afterwards from the replica an election chooses.</param>
public sealed record EpochRequest(long? Proposed, bool WithState)
{
    /// <summary>The single-replica request: the next epoch and the state with it.</summary>
    public static EpochRequest Next { get; } = new(null, true);
}
