using System.ComponentModel.DataAnnotations;

namespace Buckets.Backup.Events;

/// <summary>Health events of the backup server (<see cref="BackupEventLog"/>). Bound from <c>Backup:Events</c>.</summary>
public sealed class EventOptions
{
    public const string SectionName = "Backup:Events";

    /// <summary>Info events of one kind raised within this interval are written as one event with their count.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan InfoInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A warning or failure about the same subject (a bucket, the disk, the lag) is raised again only
    /// after this long; the repeats held back meanwhile are counted in the next one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>An event file is closed and a new one started once it holds this many bytes.</summary>
    [Range(typeof(long), "4096", "1073741824")]
    public long MaxFileBytes { get; set; } = 512L * 1024;

    /// <summary>The oldest event files are deleted while all of them together hold more than this (the newest file is always kept).</summary>
    [Range(typeof(long), "4096", "68719476736")]
    public long RetainedBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>Events a page of <c>GET /admin/v1/events</c> holds when the request gives no <c>limit</c>.</summary>
    [Range(1, 100_000)]
    public int DefaultPageLimit { get; set; } = 100;

    /// <summary>The largest <c>limit</c> a request may ask for.</summary>
    [Range(1, 100_000)]
    public int MaxPageLimit { get; set; } = 1000;

    /// <summary><see cref="BackupEventKind.BackupLagHigh"/> when a batch took longer than this from its first change to its fsync here.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan LagThreshold { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><see cref="BackupEventKind.DiskLimitReached"/> when the backup volume has less free space than this.</summary>
    [Range(typeof(long), "0", "9223372036854775807")]
    public long DiskReserveBytes { get; set; } = 256L * 1024 * 1024;
}
