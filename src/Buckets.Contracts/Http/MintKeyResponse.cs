namespace Buckets.Contracts.Http;

/// <summary>A minted API key.</summary>
/// <param name="Id">The public key id, which names the bucket.</param>
/// <param name="ApiKey">The full key <c>id.kid.serial.mac</c> to send as <c>Authorization: Bearer</c>.</param>
/// <param name="SigningKeyId">The id of the signing secret that signed it (<c>Buckets:Security:CurrentSigningKey</c>).</param>
/// <param name="Serial">The key's serial: 0, or one more per revocation of the bucket's keys.</param>
public sealed record MintKeyResponse(string Id, string ApiKey, string SigningKeyId, long Serial);
