namespace Buckets.Core;

/// <summary>One stored entry. Kept as a struct inside the map to avoid an object per entry.</summary>
/// <param name="Value">The value bytes; never mutated after they are stored.</param>
/// <param name="Version">The change sequence number that last wrote the entry.</param>
/// <param name="ExpiresAtTicks">UTC ticks of expiry, or 0 when the entry never expires.</param>
public readonly record struct BucketEntry(byte[] Value, long Version, long ExpiresAtTicks)
{
    /// <summary>The expiry as a UTC time, or <c>null</c>.</summary>
    public DateTimeOffset? ExpiresAt => ExpiresAtTicks == 0 ? null : new DateTimeOffset(ExpiresAtTicks, TimeSpan.Zero);
}
