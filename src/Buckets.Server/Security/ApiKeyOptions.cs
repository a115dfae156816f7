namespace Buckets.Server.Security;

/// <summary>How silos honour API-key revocations. Bound from <c>Buckets:Keys</c>.</summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Buckets:Keys";

    /// <summary>
    /// How often a silo reads new revocations from the store (PostgreSQL in the Cluster profile):
    /// a revoked key is refused by every silo at most this long (plus one read) after the
    /// revocation. Default 5 s; 100 ms to 5 min.
    /// </summary>
    public TimeSpan RevocationRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Once a silo's copy of the revocations is older than this (the store cannot be read), it
    /// refuses every API key until a read succeeds, so no silo honours a revoked key for longer.
    /// Default 1 min; at least twice <see cref="RevocationRefreshInterval"/>.
    /// </summary>
    public TimeSpan RevocationMaxStaleness { get; set; } = TimeSpan.FromMinutes(1);
}
