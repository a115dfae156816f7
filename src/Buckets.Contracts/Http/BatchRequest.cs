namespace Buckets.Contracts.Http;

/// <summary>Body of <c>POST /v1/batch</c>: applied all or nothing.</summary>
/// <param name="Operations">The operations, applied in order.</param>
public sealed record BatchRequest(IReadOnlyList<BatchRequestOperation>? Operations);
