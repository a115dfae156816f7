namespace Buckets.Abstractions.Http;

/// <summary>A minted API key.</summary>
/// <param name="Id">The public key id, which names the bucket.</param>
/// <param name="ApiKey">The full key <c>id.secret</c> to send as <c>Authorization: Bearer</c>.</param>
public sealed record MintKeyResponse(string Id, string ApiKey);
