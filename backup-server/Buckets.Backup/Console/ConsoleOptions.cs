using System.ComponentModel.DataAnnotations;

namespace Buckets.Backup.Console;

/// <summary>The operators' web console under <c>/console</c>. Bound from <c>Backup:Console</c>.</summary>
public sealed class ConsoleOptions
{
    public const string SectionName = "Backup:Console";

    /// <summary>A sign-in lasts this long without use (sliding). Default 30 minutes.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>At most this many signed-in sessions at once; the oldest is dropped past it. Default 100.</summary>
    [Range(1, 10_000)]
    public int MaxSessions { get; set; } = 100;

    /// <summary>Rows per page of the bucket list, a history and a state preview. Default 50.</summary>
    [Range(1, 1000)]
    public int PageSize { get; set; } = 50;

    /// <summary>Characters of a value shown in a table before it is cut. Default 80.</summary>
    [Range(8, 10_000)]
    public int ValuePreviewChars { get; set; } = 80;

    /// <summary>How often the health plots take a sample (lag, write rate, disk). Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How far back the health plots reach. Default 1 hour.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan PlotWindow { get; set; } = TimeSpan.FromHours(1);
}
