namespace Buckets.Englang;

/// <summary>One live entry of a replayed bucket.</summary>
/// <param name="Value">The value bytes.</param>
/// <param name="ExpiresAt">When the entry expires, or <c>null</c> when it never does.</param>
/// <param name="Version">The change number that last wrote the entry (a set, or an expiry change).</param>
public sealed record ReplayEntry(byte[] Value, DateTimeOffset? ExpiresAt, long Version);
