namespace Buckets.Englang;

/// <summary>
/// Where a replay stops and which entries count as live.
/// <see cref="AsOf"/> is the caller's "now" (pass <c>DateTimeOffset.UtcNow</c>; it is never read inside).
/// With <see cref="StopAtTime"/> the target time is that time instead; entries whose expiry is at or
/// before the target time are left out of the result unless <see cref="IncludeExpired"/> is set.
/// </summary>
/// <param name="AsOf">The time at which entries must be live when no <see cref="StopAtTime"/> is given.</param>
public sealed record ReplayOptions(DateTimeOffset AsOf)
{
    /// <summary>Apply changes up to and including this sequence number, then stop.</summary>
    public long? StopAtSeq { get; init; }

    /// <summary>Apply records whose time is at or before this, and stop at the first later one.</summary>
    public DateTimeOffset? StopAtTime { get; init; }

    /// <summary>Keep entries that have expired by the target time.</summary>
    public bool IncludeExpired { get; init; }

    /// <summary>The time entries must be live at: <see cref="StopAtTime"/> when given, otherwise <see cref="AsOf"/>.</summary>
    public DateTimeOffset TargetTime => StopAtTime ?? AsOf;
}
