using Buckets.Core.Security;
using Buckets.Hosting.Security;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Security;

/// <summary>
/// The silo's part of the <see cref="SecurityOptions"/> check (the tokens are checked by
/// <see cref="SecurityOptionsValidator"/>): at least one strong signing secret, well-formed key
/// ids, and a current key id that names one of them. Every failure at once, never a secret's value.
/// </summary>
public sealed class SigningKeysValidator : IValidateOptions<SecurityOptions>
{
    private const string Prefix = SecurityOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        var hasClusterSecret = !string.IsNullOrWhiteSpace(options.ClusterSecret);
        if (hasClusterSecret)
        {
            SecurityOptionsValidator.CheckSecret(nameof(SecurityOptions.ClusterSecret), options.ClusterSecret, failures);
            if (options.SigningKeys.ContainsKey(SecurityOptions.ClusterSecretKeyId))
            {
                failures.Add($"{Prefix}SigningKeys:{SecurityOptions.ClusterSecretKeyId} and {Prefix}ClusterSecret both set key id {SecurityOptions.ClusterSecretKeyId}; keep one.");
            }
        }

        foreach (var (kid, secret) in options.SigningKeys)
        {
            if (!ApiKeyAuthority.IsValidKeyId(kid))
            {
                failures.Add($"{Prefix}SigningKeys:{kid}: a signing key id is 1 to {ApiKeyAuthority.MaxKeyIdLength} characters of a-z and 0-9.");
            }

            SecurityOptionsValidator.CheckSecret($"SigningKeys:{kid}", secret, failures);
        }

        var all = options.AllSigningKeys();
        if (all.Count == 0)
        {
            failures.Add($"{Prefix}ClusterSecret (or {Prefix}SigningKeys:<id>) is required: it signs API keys (set Buckets__Security__ClusterSecret; {SecretRules.Advice}).");
        }
        else if (options.EffectiveSigningKey() is var current && current.Length == 0)
        {
            failures.Add($"{Prefix}CurrentSigningKey is required when several signing secrets are set (one of: {string.Join(", ", all.Keys.Order(StringComparer.Ordinal))}).");
        }
        else if (!all.ContainsKey(current))
        {
            failures.Add($"{Prefix}CurrentSigningKey '{current}' names no configured signing secret (configured: {string.Join(", ", all.Keys.Order(StringComparer.Ordinal))}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
