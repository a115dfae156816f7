namespace Buckets.Contracts.Http;

/// <summary>Body of <c>POST /admin/keys</c>; every field is optional.</summary>
/// <param name="Id">The key id to mint (1..64 of a-z, 0-9, '-', '_'); a random id when omitted.</param>
public sealed record MintKeyRequest(string? Id);
