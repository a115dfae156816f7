using System.Diagnostics.Metrics;
using Buckets.Backup.Status;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Events;

/// <summary>
/// The backup server's health events: each raise is logged (level by severity), counted
/// (<c>buckets.backup.events</c> by kind and severity on the <c>Buckets.Backup</c> meter) and kept on
/// disk under <c>&lt;DataDirectory&gt;/events</c> (<see cref="EventFiles"/>), so a restart loses none.
/// Warnings and failures are written and fsynced at once; Info events of one kind are coalesced and
/// written every <see cref="EventOptions.InfoInterval"/> as one event with their count (and on a clean
/// stop), so routine events cost one line per interval. Thread-safe; raising never throws for a disk
/// error (the event is then in the log only), so a caller's own work never fails for an event.
/// </summary>
public sealed class BackupEventLog : IDisposable
{
    /// <summary>Summaries longer than this are cut (events are one line each, and bounded).</summary>
    public const int MaxSummaryLength = 1000;

    /// <summary>At most this many details are kept per event; each value is cut like the summary.</summary>
    public const int MaxDetails = 32;

    /// <summary>At most this many subjects are remembered for <see cref="RaiseUnlessRecent"/>; the oldest are forgotten first.</summary>
    public const int MaxRecentSubjects = 10_000;

    private readonly Lock _lock = new();
    private readonly EventOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BackupEventLog> _logger;
    private readonly EventFiles _files;
    private readonly Dictionary<BackupEventKind, BackupEvent> _pendingInfo = [];
    private readonly Dictionary<(BackupEventKind, string), (DateTimeOffset At, int Held)> _recent = [];
    private readonly Counter<long>? _raised;
    private readonly ITimer _flushes;
    private long _lastId;
    private bool _disposed;

    public BackupEventLog(
        IOptions<EventOptions> options,
        IOptions<BackupStoreOptions> store,
        TimeProvider time,
        ILogger<BackupEventLog> logger,
        IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        _options = options.Value;
        _time = time;
        _logger = logger;
        Directory = Path.Combine(Path.GetFullPath(store.Value.DataDirectory), EventFiles.Folder);
        _files = new EventFiles(Directory, _options, logger);
        _lastId = _files.LastId;
        _raised = meterFactory?.Create(BackupMetrics.MeterName)
            .CreateCounter<long>("buckets.backup.events", "{event}", "Health events raised, by kind and severity.");
        _flushes = time.CreateTimer(_ => FlushInfo(), null, _options.InfoInterval, _options.InfoInterval);
    }

    /// <summary>The folder the event files are in.</summary>
    public string Directory { get; }

    /// <summary>
    /// Raises an event: logged and counted now; a warning or failure is on disk when this returns, an
    /// Info event within <see cref="EventOptions.InfoInterval"/>. <paramref name="details"/> name
    /// buckets, servers, files and numbers, never keys, values or secrets.
    /// </summary>
    public void Raise(BackupEventKind kind, BackupEventSeverity severity, string summary, IReadOnlyDictionary<string, string>? details = null)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var now = _time.GetUtcNow();
        var kept = Bounded(details);
        summary = Cut(summary);
        Log(kind, severity, summary, kept);
        _raised?.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()), new KeyValuePair<string, object?>("severity", severity.ToString()));
        lock (_lock)
        {
            if (severity == BackupEventSeverity.Info)
            {
                _pendingInfo[kind] = _pendingInfo.TryGetValue(kind, out var pending)
                    ? pending with { At = now, Summary = summary, Details = kept, Count = pending.Count + 1 }
                    : new BackupEvent(0, now, kind, severity, summary, kept, 1, now);
                return;
            }

            Write(new BackupEvent(0, now, kind, severity, summary, kept, 1, now), sync: true);
        }
    }

    /// <summary>
    /// Raises the event unless one of <paramref name="kind"/> about <paramref name="subject"/> (a bucket
    /// id, "disk") was raised within <see cref="EventOptions.RepeatInterval"/>; a repeat held back is
    /// counted into the <c>heldBack</c> detail of the next one raised. True when it was raised.
    /// </summary>
    public bool RaiseUnlessRecent(string subject, BackupEventKind kind, BackupEventSeverity severity, string summary, IReadOnlyDictionary<string, string>? details = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var now = _time.GetUtcNow();
        int held;
        lock (_lock)
        {
            if (_recent.TryGetValue((kind, subject), out var recent) && now - recent.At < _options.RepeatInterval)
            {
                _recent[(kind, subject)] = recent with { Held = recent.Held + 1 };
                return false;
            }

            held = recent.Held;
            if (_recent.Count >= MaxRecentSubjects)
            {
                ForgetOldestSubjects();
            }

            _recent[(kind, subject)] = (now, 0);
        }

        if (held > 0)
        {
            details = new Dictionary<string, string>(details ?? new Dictionary<string, string>(), StringComparer.Ordinal)
            {
                ["heldBack"] = held.ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
        }

        Raise(kind, severity, summary, details);
        return true;
    }

    /// <summary>Forgets that an event of <paramref name="kind"/> about <paramref name="subject"/> was raised (the condition ended), so the next one is raised at once.</summary>
    public void Clear(BackupEventKind kind, string subject)
    {
        lock (_lock)
        {
            _recent.Remove((kind, subject));
        }
    }

    /// <summary>
    /// Written events newest first: older than the event id <paramref name="before"/> (null: from the
    /// newest), of one of <paramref name="kinds"/> (empty: all) and at least <paramref name="minimum"/>;
    /// at most <paramref name="limit"/>, with the cursor of the next page.
    /// </summary>
    public BackupEventPage Query(IReadOnlyCollection<BackupEventKind> kinds, BackupEventSeverity minimum, long? before, int limit)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var found = new List<BackupEvent>();
        lock (_lock)
        {
            for (var f = _files.Files.Count - 1; f >= 0 && found.Count <= limit; f--)
            {
                var events = _files.Files[f].Events;
                for (var i = events.Count - 1; i >= 0 && found.Count <= limit; i--)
                {
                    var item = events[i];
                    if ((before is null || item.Id < before) && item.Severity >= minimum && (kinds.Count == 0 || kinds.Contains(item.Kind)))
                    {
                        found.Add(item);
                    }
                }
            }
        }

        return found.Count > limit
            ? new BackupEventPage(found[..limit], found[limit - 1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : new BackupEventPage(found, null);
    }

    /// <summary>Writes the coalesced Info events now (the timer does this every <see cref="EventOptions.InfoInterval"/>).</summary>
    public void FlushInfo()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var pending in _pendingInfo.Values.OrderBy(e => e.FirstAt))
            {
                Write(pending, sync: false);
            }

            _pendingInfo.Clear();
        }
    }

    /// <summary>Writes what is still coalescing and makes every event durable.</summary>
    public void Dispose()
    {
        _flushes.Dispose();
        FlushInfo();
        lock (_lock)
        {
            _disposed = true;
            _files.Dispose();
        }
    }

    private static string Cut(string text) => text.Length <= MaxSummaryLength ? text : text[..MaxSummaryLength];

    private static Dictionary<string, string> Bounded(IReadOnlyDictionary<string, string>? details)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in (details ?? kept).OrderBy(d => d.Key, StringComparer.Ordinal).Take(MaxDetails))
        {
            kept[Cut(name)] = Cut(value ?? string.Empty);
        }

        return kept;
    }

    /// <summary>Assigns the next id and appends; the caller holds the lock.</summary>
    private void Write(BackupEvent item, bool sync)
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            _files.Append(item with { Id = ++_lastId }, sync);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            EventsLog.WriteFailed(_logger, e);
        }
    }

    private void ForgetOldestSubjects()
    {
        var cutoff = _time.GetUtcNow() - _options.RepeatInterval;
        foreach (var key in _recent.Where(r => r.Value.At < cutoff).Select(r => r.Key).ToList())
        {
            _recent.Remove(key);
        }

        // All recent: the oldest half goes (a repeat of one of those is raised again, never lost).
        if (_recent.Count >= MaxRecentSubjects)
        {
            foreach (var key in _recent.OrderBy(r => r.Value.At).Take(_recent.Count / 2).Select(r => r.Key).ToList())
            {
                _recent.Remove(key);
            }
        }
    }

    private void Log(BackupEventKind kind, BackupEventSeverity severity, string summary, Dictionary<string, string> details)
    {
        var text = details.Count == 0 ? string.Empty : "(" + string.Join(", ", details.Select(d => $"{d.Key}={d.Value}")) + ")";
        switch (severity)
        {
            case BackupEventSeverity.Info:
                EventsLog.Info(_logger, kind, summary, text);
                break;
            case BackupEventSeverity.Warning:
                EventsLog.Warning(_logger, kind, summary, text);
                break;
            default:
                EventsLog.Failure(_logger, kind, summary, text);
                break;
        }
    }
}
