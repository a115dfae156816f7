namespace Buckets.Englang;

/// <summary>The three durability names a policy or snapshot header may carry.</summary>
public static class EnglangDurability
{
    /// <summary>Never backed up.</summary>
    public const string Cache = "cache";

    /// <summary>Backed up at the backup server's interval (the default).</summary>
    public const string Standard = "standard";

    /// <summary>Acknowledged only after the backup server has stored it.</summary>
    public const string Critical = "critical";

    /// <summary>True when <paramref name="durability"/> is one of the three names (ordinal, lowercase).</summary>
    public static bool IsValid(string? durability) =>
        durability is Cache or Standard or Critical;
}
