namespace Buckets.Englang;

/// <summary>One live entry of a replayed bucket (a value type: a replay of a million changes would otherwise allocate one object per set).</summary>
/// <param name="Value">The value bytes.</param>
/// <param name="ExpiresAt">When the entry expires, or <c>null</c> when it never does.</param>
/// <param name="Version">The change number that last wrote the entry (a set, or an expiry change).</param>
public readonly record struct ReplayEntry(byte[] Value, DateTimeOffset? ExpiresAt, long Version);
