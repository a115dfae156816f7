namespace Buckets.Contracts.Http;

/// <summary>Result of <c>POST /admin/buckets/{id}/restore</c>.</summary>
/// <param name="BucketId">The restored bucket.</param>
/// <param name="RestoredSeq">The sequence number restored to, when one was given.</param>
/// <param name="RestoredAt">The point in time restored to, when one was given.</param>
/// <param name="NewSeq">The change number the restore itself was recorded as.</param>
public sealed record RestoreResponse(string BucketId, long? RestoredSeq, DateTimeOffset? RestoredAt, long NewSeq);
