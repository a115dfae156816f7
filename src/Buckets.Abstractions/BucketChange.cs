namespace Buckets.Abstractions;

/// <summary>
/// One numbered change to a bucket: what its journal holds until the backup server acknowledges it,
/// and what its change feed reports. Fields that do not apply to a kind are <c>null</c>.
/// </summary>
/// <param name="Seq">The change number; each change of a bucket is the previous one plus one.</param>
/// <param name="At">When the bucket made the change.</param>
/// <param name="Kind">What changed.</param>
/// <param name="Key">The key changed; empty for a change of the whole bucket.</param>
/// <param name="Value">The value written by a <see cref="ChangeKind.Set"/>.</param>
/// <param name="ExpiresAt">The expiry written (set, expire), or the deadline reached (<see cref="ChangeKind.Expired"/>).</param>
/// <param name="Policy">The policy after a <see cref="ChangeKind.Policy"/> or <see cref="ChangeKind.Snapshot"/> change.</param>
[GenerateSerializer, Immutable, Alias("Buckets.BucketChange")]
public sealed record BucketChange(
    [property: Id(0)] long Seq,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] ChangeKind Kind,
    [property: Id(3)] string Key,
    [property: Id(4)] byte[]? Value = null,
    [property: Id(5)] DateTimeOffset? ExpiresAt = null,
    [property: Id(6)] BucketPolicy? Policy = null);
