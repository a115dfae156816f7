using Microsoft.Extensions.Options;

namespace Buckets.Core.Feed;

/// <summary>Rules across <see cref="ChangeFeedOptions"/> settings; reports every failure at once.</summary>
public sealed class ChangeFeedOptionsValidator : IValidateOptions<ChangeFeedOptions>
{
    public ValidateOptionsResult Validate(string? name, ChangeFeedOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var section = ChangeFeedOptions.SectionName;
        if (options.SubscribersPerBucket > options.SubscribersPerSilo)
        {
            failures.Add($"{section}:SubscribersPerBucket ({options.SubscribersPerBucket}) must not exceed {section}:SubscribersPerSilo ({options.SubscribersPerSilo}).");
        }

        if (options.BufferedEventsPerSubscriber < options.PageChanges)
        {
            // A subscriber must hold at least one page, or every page would disconnect it.
            failures.Add($"{section}:BufferedEventsPerSubscriber ({options.BufferedEventsPerSubscriber}) must be at least {section}:PageChanges ({options.PageChanges}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
