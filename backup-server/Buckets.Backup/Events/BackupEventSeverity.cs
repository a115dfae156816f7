using System.Text.Json.Serialization;

namespace Buckets.Backup.Events;

/// <summary>
/// How much a health event needs attention, in rising order (a filter by severity is a minimum).
/// Info events are coalesced per kind and written every <c>Backup:Events:InfoInterval</c>; warnings
/// and failures are written and fsynced at once.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<BackupEventSeverity>))]
public enum BackupEventSeverity
{
    /// <summary>Normal operation worth a record (a sweep finished, a server came back).</summary>
    Info,

    /// <summary>Something an operator should look at before it becomes a failure.</summary>
    Warning,

    /// <summary>Data is at risk or unavailable until someone acts.</summary>
    Failure,
}
