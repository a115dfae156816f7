namespace Buckets.Contracts.Http;

/// <summary>A page of keys from <c>GET /v1/keys</c>.</summary>
/// <param name="Keys">Keys in UTF-8 byte order.</param>
/// <param name="NextCursor">Opaque cursor for the next page, or <c>null</c> at the end.</param>
public sealed record KeyListResponse(IReadOnlyList<string> Keys, string? NextCursor);
