namespace Buckets.Contracts.Http;

/// <summary>Result of one batch operation.</summary>
/// <param name="Key">The operation's key.</param>
/// <param name="Status">created, replaced, deleted, not-found, version-mismatch, already-exists, bucket-full or not-attempted.</param>
/// <param name="Version">The entry's version after the operation, when it wrote one.</param>
public sealed record BatchOperationResponse(string Key, string Status, long? Version);
