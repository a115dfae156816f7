namespace Buckets.Englang;

/// <summary>
/// The state of a bucket after replaying its records: the live entries (keyed by ordinal key), the
/// last change applied, the policy, and whether the bucket was erased (an erase was applied and no
/// value has been set since).
/// </summary>
public sealed class ReplayState
{
    /// <summary>The durability of a bucket nobody has configured.</summary>
    public const string DefaultDurability = EnglangDurability.Standard;

    /// <summary>The live entries.</summary>
    public required IReadOnlyDictionary<string, ReplayEntry> Entries { get; init; }

    /// <summary>The last change (or snapshot) sequence number applied; 0 when nothing was applied.</summary>
    public required long LastSeq { get; init; }

    /// <summary>The bucket's durability: "cache", "standard" or "critical".</summary>
    public required string Durability { get; init; }

    /// <summary>The bucket's default time to live, or <c>null</c> for none.</summary>
    public required TimeSpan? DefaultTtl { get; init; }

    /// <summary>True when an erase was applied and no value was set (nor snapshot loaded) after it.</summary>
    public required bool Erased { get; init; }
}
