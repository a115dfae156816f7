namespace Buckets.Contracts.Http;

/// <summary>Result of a batch.</summary>
/// <param name="Applied">True when every operation was applied; false when none was.</param>
/// <param name="Results">One result per operation, in request order.</param>
public sealed record BatchResponse(bool Applied, IReadOnlyList<BatchOperationResponse> Results);
