using Microsoft.Extensions.Options;

namespace Buckets.Hosting.Security;

/// <summary>
/// Start-up check of the secrets both programs hold: the admin and internal tokens are present and
/// strong (<see cref="SecretRules"/>). Silos add their own check of the signing secrets. Reports
/// every failure at once, each naming its setting, never a secret's value.
/// </summary>
public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var failures = new List<string>();
        CheckSecret(nameof(SecurityOptions.AdminToken), options.AdminToken, failures);
        CheckSecret(nameof(SecurityOptions.InternalToken), options.InternalToken, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Adds a failure naming <c>Buckets:Security:<paramref name="setting"/></c> unless <paramref name="value"/> is a strong secret.</summary>
    public static void CheckSecret(string setting, string? value, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var name = $"{SecurityOptions.SectionName}:{setting}";
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{name} is required (set {name.Replace(":", "__", StringComparison.Ordinal)}; {SecretRules.Advice}).");
        }
        else if (!SecretRules.TryDecode(value, out _, out var problem))
        {
            failures.Add($"{name} {problem}.");
        }
    }
}
