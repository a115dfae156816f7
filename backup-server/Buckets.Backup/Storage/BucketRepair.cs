namespace Buckets.Backup.Storage;

/// <summary>What an operator's repair of a bucket did.</summary>
/// <param name="BucketId">The bucket.</param>
/// <param name="Repaired">False when the bucket was not damaged (nothing changed).</param>
/// <param name="KeptThroughSeq">The last change kept.</param>
/// <param name="NewSeq">The change the repair is recorded as; the bucket numbers on above it.</param>
/// <param name="LostChanges">Changes known to be lost: numbered in the bucket's files but not readable in order (the changes of a missing file cannot be counted).</param>
public sealed record BucketRepair(string BucketId, bool Repaired, long KeptThroughSeq, long NewSeq, long LostChanges);
