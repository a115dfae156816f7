namespace Buckets.Backup.Events;

/// <summary>
/// One health event as kept on disk and answered by <c>GET /admin/v1/events</c>. A coalesced Info
/// event stands for <see cref="Count"/> raises of its kind between <see cref="FirstAt"/> and
/// <see cref="At"/>, with the summary and details of the last. Events name buckets, servers, files
/// and numbers only, never keys, values or credentials.
/// </summary>
/// <param name="Id">Ascending across restarts; the paging cursor.</param>
/// <param name="At">When it was raised (the last raise, when coalesced).</param>
/// <param name="Kind">What it is about.</param>
/// <param name="Severity">How much it needs attention.</param>
/// <param name="Summary">One sentence for a person.</param>
/// <param name="Details">Named values (bucket ids, counts, file names), for tools.</param>
/// <param name="Count">How many raises it stands for (1 unless coalesced).</param>
/// <param name="FirstAt">The first raise it stands for.</param>
public sealed record BackupEvent(
    long Id,
    DateTimeOffset At,
    BackupEventKind Kind,
    BackupEventSeverity Severity,
    string Summary,
    IReadOnlyDictionary<string, string> Details,
    int Count,
    DateTimeOffset FirstAt);
