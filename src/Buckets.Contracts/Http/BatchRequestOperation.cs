namespace Buckets.Contracts.Http;

/// <summary>One operation of a batch request.</summary>
/// <param name="Op"><c>set</c> or <c>delete</c>.</param>
/// <param name="Key">The entry key.</param>
/// <param name="Value">The value as text (set only); exclusive with <paramref name="ValueBase64"/>.</param>
/// <param name="ValueBase64">The value as base64 bytes (set only).</param>
/// <param name="Ttl">Seconds until expiry (set only).</param>
/// <param name="IfVersion">Apply only when the live entry has this version.</param>
/// <param name="IfNotExists">Create only (set only).</param>
public sealed record BatchRequestOperation(
    string? Op,
    string? Key,
    string? Value = null,
    string? ValueBase64 = null,
    long? Ttl = null,
    long? IfVersion = null,
    bool IfNotExists = false);
