namespace Buckets.Core.Security;

/// <summary>The revocation state of one bucket's API keys.</summary>
/// <param name="BucketId">The bucket (API key id).</param>
/// <param name="FirstValidSerial">Keys with a lower serial are revoked; the next key minted gets this serial.</param>
/// <param name="RevokedAt">When the last revocation was recorded.</param>
/// <param name="Change">Store-wide change number of that revocation, increasing in commit order.</param>
public sealed record KeyRevocation(string BucketId, long FirstValidSerial, DateTimeOffset RevokedAt, long Change);
