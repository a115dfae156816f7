namespace Buckets.Contracts.Http;

/// <summary>Body of <c>PUT /v1/bucket/policy</c> and its response.</summary>
/// <param name="Durability"><c>cache</c>, <c>standard</c> or <c>critical</c>.</param>
/// <param name="DefaultTtlSeconds">TTL for writes that give none, or <c>null</c> for none.</param>
public sealed record BucketPolicyDto(string? Durability, long? DefaultTtlSeconds);
