using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Cluster;

/// <summary>
/// The integrity sweep across replicas (<see cref="IntegritySweep"/>). Bound from <c>Backup:Sweep</c>.
/// Only a server in a list of several sweeps across replicas; a single server's own verification runs all the same.
/// </summary>
public sealed class SweepOptions
{
    public const string SectionName = "Backup:Sweep";

    /// <summary>False turns the sweep off (an operator runs <c>buckets verify</c> instead).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time from the end of one sweep to the start of the next (the first starts this long after start-up).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Bucket ids listed from the store per step: the sweep never holds every id at once.</summary>
    [Range(1, 100_000)]
    public int PageSize { get; set; } = 500;

    /// <summary>Buckets checked at once (each reads its files, asks its peers, and may copy one).</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 2;

    /// <summary>Most bytes per second the sweep reads: this server's bucket files as it verifies them, plus the copies it fetches to repair.</summary>
    [Range(typeof(long), "65536", "107374182400")]
    public long MaxBytesPerSecond { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// How long a replica may stay behind a peer that holds a newer (writer epoch, last change) before the
    /// sweep copies the newer state over: the grains normally deliver within seconds, and a replica
    /// catching up within this time still counts as holding the bucket.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan GracePeriod { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Rules across <see cref="SweepOptions"/> settings; reports every failure at once.</summary>
public sealed class SweepOptionsValidator : IValidateOptions<SweepOptions>
{
    public ValidateOptionsResult Validate(string? name, SweepOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Concurrency > options.PageSize)
        {
            failures.Add($"{SweepOptions.SectionName}:Concurrency ({options.Concurrency}) must not exceed {SweepOptions.SectionName}:PageSize ({options.PageSize}): a page is what the workers share.");
        }

        if (options.GracePeriod >= options.Interval * 1000)
        {
            failures.Add($"{SweepOptions.SectionName}:GracePeriod ({options.GracePeriod}) must be under a thousand sweeps ({SweepOptions.SectionName}:Interval {options.Interval}): a replica behind would otherwise never be repaired in practice.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
