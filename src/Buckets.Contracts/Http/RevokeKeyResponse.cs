namespace Buckets.Contracts.Http;

/// <summary>Answer of <c>POST /admin/keys/{id}/revoke</c>: every key of the bucket issued so far is revoked.</summary>
/// <param name="Id">The bucket (key id) whose keys were revoked.</param>
/// <param name="FirstValidSerial">Keys with a lower serial are refused; the next mint issues this serial.</param>
/// <param name="RevokedAt">When the revocation was recorded.</param>
/// <param name="RefusedWithinSeconds">Every silo refuses the revoked keys at most this long after <paramref name="RevokedAt"/> while it can read the revocation store (the silo that answered already does).</param>
public sealed record RevokeKeyResponse(string Id, long FirstValidSerial, DateTimeOffset RevokedAt, double RefusedWithinSeconds);
