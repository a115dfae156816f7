using System.ComponentModel.DataAnnotations;

namespace Buckets.Grains.Memory;

/// <summary>The silo's memory budget and what happens above it. Bound from <c>Buckets:Memory</c>.</summary>
public sealed class MemoryOptions
{
    public const string SectionName = "Buckets:Memory";

    /// <summary>
    /// Bytes above which the silo is under memory pressure: writes that add data are refused with 503
    /// <c>memory-pressure</c> and idle buckets are deactivated early. 0 (the default) derives it as
    /// <see cref="HighWaterFraction"/> of the memory the runtime says is available
    /// (<c>GC.GetGCMemoryInfo().TotalAvailableMemoryBytes</c>, which honours container limits).
    /// </summary>
    [Range(typeof(long), "0", "9223372036854775807")]
    public long HighWaterBytes { get; set; }

    /// <summary>
    /// Share of the available memory that makes the default high-water mark. The rest is headroom for
    /// garbage between collections, request buffers and native memory, so the process is refused
    /// writes well before it could be refused memory. Default 0.75.
    /// </summary>
    [Range(0.05, 0.95)]
    public double HighWaterFraction { get; set; } = 0.75;

    /// <summary>
    /// Pressure ends once the measured bytes fall below this share of the high-water mark, so the silo
    /// does not flap in and out of pressure around one value. Default 0.9.
    /// </summary>
    [Range(0.5, 1.0)]
    public double RecoveryFraction { get; set; } = 0.9;

    /// <summary>How often memory is measured; requests only read the last verdict. Default 1 second.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Under pressure, buckets unused for this long are deactivated at once instead of after
    /// <see cref="BucketGrainOptions.IdleTimeout"/>; buckets holding changes the backup server has not
    /// stored stay until they are stored. Default 30 seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan PressureIdleAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The high-water mark in force: <see cref="HighWaterBytes"/>, or the share of <paramref name="availableBytes"/>.</summary>
    public long EffectiveHighWater(long availableBytes) =>
        HighWaterBytes > 0 ? HighWaterBytes : (long)(availableBytes * HighWaterFraction);
}
