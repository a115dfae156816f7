namespace Buckets.Core.Security;

/// <summary>A secret API keys may be signed with, and the key id ("kid") keys name it by.</summary>
/// <param name="Id">1 to 16 of a-z and 0-9.</param>
/// <param name="Secret">The decoded secret (at least 32 random bytes); only its HKDF-derived MAC key is kept.</param>
public sealed record SigningKey(string Id, byte[] Secret);
