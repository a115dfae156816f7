namespace Buckets.Abstractions;

/// <summary>How far the backup server has caught up with a bucket.</summary>
/// <param name="AcknowledgedChange">The highest change the backup server has made durable.</param>
/// <param name="PendingChanges">Changes held in the grain's journal waiting for the backup server.</param>
/// <param name="NeedsSnapshot">True when the journal overflowed and the next backup is a full snapshot.</param>
[GenerateSerializer, Immutable, Alias("Buckets.BackupProgress")]
public sealed record BackupProgress(
    [property: Id(0)] long AcknowledgedChange,
    [property: Id(1)] long PendingChanges,
    [property: Id(2)] bool NeedsSnapshot);
