using Microsoft.Extensions.Options;

namespace Buckets.Backup.Events;

/// <summary>Rules of <see cref="EventOptions"/> that involve several settings; every failure is reported at once.</summary>
internal sealed class EventOptionsValidator : IValidateOptions<EventOptions>
{
    public ValidateOptionsResult Validate(string? name, EventOptions options)
    {
        var failures = new List<string>();
        if (options.DefaultPageLimit > options.MaxPageLimit)
        {
            failures.Add($"{EventOptions.SectionName}:DefaultPageLimit ({options.DefaultPageLimit}) must not exceed {EventOptions.SectionName}:MaxPageLimit ({options.MaxPageLimit}).");
        }

        if (options.MaxFileBytes > options.RetainedBytes)
        {
            failures.Add($"{EventOptions.SectionName}:MaxFileBytes ({options.MaxFileBytes}) must not exceed {EventOptions.SectionName}:RetainedBytes ({options.RetainedBytes}), or a full file would be deleted as soon as it is closed.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
