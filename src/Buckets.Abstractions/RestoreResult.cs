namespace Buckets.Abstractions;

/// <summary>What a restore did: the change it was recorded as, or why nothing was restored.</summary>
/// <param name="Outcome">Restored, or the reason nothing changed.</param>
/// <param name="NewSeq">The change number the restore was recorded as (0 when nothing was restored).</param>
/// <param name="Detail">Why nothing was restored, for the operator.</param>
[GenerateSerializer, Immutable, Alias("Buckets.RestoreResult")]
public sealed record RestoreResult(
    [property: Id(0)] RestoreOutcome Outcome,
    [property: Id(1)] long NewSeq,
    [property: Id(2)] string? Detail);

/// <summary>The outcome of a restore.</summary>
public enum RestoreOutcome
{
    /// <summary>The bucket now holds the saved state, recorded as a new change.</summary>
    Restored = 0,

    /// <summary>The backup server holds nothing for the bucket.</summary>
    NoBackup = 1,

    /// <summary>The point asked for is older than what the backup server keeps (retention).</summary>
    PointNotKept = 2,

    /// <summary>The bucket's backup history is damaged; an operator must look.</summary>
    HistoryDamaged = 3,
}
