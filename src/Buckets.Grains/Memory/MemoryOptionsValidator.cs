using Microsoft.Extensions.Options;

namespace Buckets.Grains.Memory;

/// <summary>Checks the memory budget against what the runtime says is available; reports every failure at once.</summary>
public sealed class MemoryOptionsValidator : IValidateOptions<MemoryOptions>
{
    public ValidateOptionsResult Validate(string? name, MemoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (options.HighWaterBytes > 0 && available > 0 && options.HighWaterBytes >= available)
        {
            // A mark the process can never reach gives no protection: the kernel or the GC stops it first.
            failures.Add($"{MemoryOptions.SectionName}:HighWaterBytes ({options.HighWaterBytes}) must be below the {available} bytes the runtime reports as available (container limit or physical memory).");
        }

        if (options.HighWaterBytes == 0 && available <= 0)
        {
            failures.Add($"The runtime reports no available memory; set {MemoryOptions.SectionName}:HighWaterBytes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
