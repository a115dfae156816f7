namespace Buckets.Core.Security;

/// <summary>What a correctly signed API key names.</summary>
/// <param name="BucketId">The bucket the key opens.</param>
/// <param name="SigningKeyId">The id of the secret that signed it (<see cref="ApiKeyAuthority.LegacyKeyId"/> for legacy keys).</param>
/// <param name="Serial">Its serial number; legacy keys are serial 0.</param>
/// <param name="Legacy">True for a key in the format before key ids (<c>id.mac</c>).</param>
public readonly record struct ApiKeyClaims(string BucketId, string SigningKeyId, long Serial, bool Legacy);
