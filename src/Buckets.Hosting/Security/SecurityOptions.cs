namespace Buckets.Hosting.Security;

/// <summary>
/// Secrets of the cluster, one type for silos and backup servers, bound from <c>Buckets:Security</c>
/// so one Kubernetes Secret can serve both, though each program is given only what it needs. Both
/// check the tokens at start-up with <see cref="SecurityOptionsValidator"/>; silos also check the
/// signing secrets. Every secret follows <see cref="SecretRules"/>. Never logged.
/// </summary>
public sealed class SecurityOptions
{
    public const string SectionName = "Buckets:Security";

    /// <summary>The key id <see cref="ClusterSecret"/> signs under.</summary>
    public const string ClusterSecretKeyId = "0";

    /// <summary>Bearer token for <c>/admin</c> endpoints (silos and backup servers). Generated in the development profile when unset.</summary>
    public string AdminToken { get; set; } = "";

    /// <summary>
    /// Bearer token silos and backup servers show each other on <c>/internal</c>; the only cluster
    /// secret a backup server holds. Generated in the development profile when unset.
    /// </summary>
    public string InternalToken { get; set; } = "";

    /// <summary>
    /// The signing secret of key id <see cref="ClusterSecretKeyId"/> (silos only). Also the only
    /// secret that checks keys minted before key ids existed (<c>id.mac</c>). Generated in the
    /// development profile when no signing secret is set.
    /// </summary>
    public string ClusterSecret { get; set; } = "";

    /// <summary>
    /// Further signing secrets by key id (1 to 16 of a-z, 0-9), e.g.
    /// <c>Buckets:Security:SigningKeys:k2027</c> (silos only). Keys signed by any of them are accepted.
    /// </summary>
    public Dictionary<string, string> SigningKeys { get; set; } = [];

    /// <summary>
    /// Key id new API keys are signed with. May be left empty when exactly one signing secret is
    /// configured (<see cref="ClusterSecret"/> alone means <see cref="ClusterSecretKeyId"/>).
    /// </summary>
    public string CurrentSigningKey { get; set; } = "";

    /// <summary>Every configured signing secret by key id, <see cref="ClusterSecret"/> included as <see cref="ClusterSecretKeyId"/>.</summary>
    public IReadOnlyDictionary<string, string> AllSigningKeys()
    {
        var all = new Dictionary<string, string>(SigningKeys, StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(ClusterSecret))
        {
            all[ClusterSecretKeyId] = ClusterSecret;
        }

        return all;
    }

    /// <summary>The key id to mint with: <see cref="CurrentSigningKey"/>, or the only configured one; empty when ambiguous.</summary>
    public string EffectiveSigningKey()
    {
        if (!string.IsNullOrWhiteSpace(CurrentSigningKey))
        {
            return CurrentSigningKey.Trim();
        }

        var all = AllSigningKeys();
        return all.Count == 1 ? all.Keys.Single() : "";
    }
}
