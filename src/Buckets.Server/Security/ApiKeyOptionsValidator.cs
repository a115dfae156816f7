using Microsoft.Extensions.Options;

namespace Buckets.Server.Security;

/// <summary>Checks the revocation timings of <see cref="ApiKeyOptions"/>, reporting every failure at once.</summary>
public sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    private static readonly TimeSpan MinRefreshInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxRefreshInterval = TimeSpan.FromMinutes(5);

    // One failed read must not refuse every key: the copy may miss one refresh and still be current.
    private const int MinRefreshesPerStaleness = 2;

    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var failures = new List<string>();
        if (options.RevocationRefreshInterval < MinRefreshInterval || options.RevocationRefreshInterval > MaxRefreshInterval)
        {
            failures.Add($"{ApiKeyOptions.SectionName}:{nameof(ApiKeyOptions.RevocationRefreshInterval)} must be from {MinRefreshInterval} to {MaxRefreshInterval}; got {options.RevocationRefreshInterval}.");
        }

        if (options.RevocationMaxStaleness < options.RevocationRefreshInterval * MinRefreshesPerStaleness)
        {
            failures.Add($"{ApiKeyOptions.SectionName}:{nameof(ApiKeyOptions.RevocationMaxStaleness)} must be at least {MinRefreshesPerStaleness} x RevocationRefreshInterval ({options.RevocationRefreshInterval * MinRefreshesPerStaleness}); got {options.RevocationMaxStaleness}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
