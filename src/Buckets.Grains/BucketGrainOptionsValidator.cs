using Microsoft.Extensions.Options;

namespace Buckets.Grains;

/// <summary>Rules across <see cref="BucketGrainOptions"/> settings; reports every failure at once.</summary>
public sealed class BucketGrainOptionsValidator : IValidateOptions<BucketGrainOptions>
{
    public ValidateOptionsResult Validate(string? name, BucketGrainOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.UnstoredBytesBudget < options.JournalMaxBytes)
        {
            // Otherwise one bucket's journal could stop every write of the silo before it overflows to a snapshot.
            failures.Add($"{BucketGrainOptions.SectionName}:UnstoredBytesBudget ({options.UnstoredBytesBudget}) must be at least {BucketGrainOptions.SectionName}:JournalMaxBytes ({options.JournalMaxBytes}).");
        }

        if (options.PullMaxBytes < options.BatchMaxBytes)
        {
            failures.Add($"{BucketGrainOptions.SectionName}:PullMaxBytes ({options.PullMaxBytes}) must be at least {BucketGrainOptions.SectionName}:BatchMaxBytes ({options.BatchMaxBytes}).");
        }

        if (options.ExpiryCatchUpDelay > options.ExpirySweepInterval)
        {
            failures.Add($"{BucketGrainOptions.SectionName}:ExpiryCatchUpDelay ({options.ExpiryCatchUpDelay}) must not exceed {BucketGrainOptions.SectionName}:ExpirySweepInterval ({options.ExpirySweepInterval}).");
        }

        if (options.TrimDelay >= options.IdleTimeout)
        {
            // A bucket would be deactivated before it was ever trimmed.
            failures.Add($"{BucketGrainOptions.SectionName}:TrimDelay ({options.TrimDelay}) must be less than {BucketGrainOptions.SectionName}:IdleTimeout ({options.IdleTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
