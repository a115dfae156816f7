using System.Globalization;
using System.Text.Json;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Logging;

namespace Buckets.Backup.Events;

/// <summary>
/// The events on disk: <c>&lt;DataDirectory&gt;/events/events-&lt;n&gt;.jsonl</c>, one JSON event per line,
/// oldest file first. A file is only ever appended to by the process that created it (a restart starts
/// the next number on its first write, so a torn last line of a crash is never glued to a new one);
/// a file is closed past <see cref="EventOptions.MaxFileBytes"/>, and the oldest are deleted while all
/// hold more than <see cref="EventOptions.RetainedBytes"/>. The events of the retained files are also
/// held in memory (bounded by the same setting) to answer queries. Not thread-safe: the log locks.
/// </summary>
internal sealed class EventFiles : IDisposable
{
    public const string Folder = "events";
    private const string Prefix = "events-";
    private const string Extension = ".jsonl";

    private readonly string _directory;
    private readonly EventOptions _options;
    private readonly List<EventFile> _files = [];
    private FileStream? _current;

    public EventFiles(string directory, EventOptions options, ILogger logger)
    {
        _directory = directory;
        _options = options;
        if (Directory.Exists(directory))
        {
            foreach (var (number, path) in Existing(directory))
            {
                _files.Add(Load(number, path, logger));
            }
        }

        LastId = _files.SelectMany(file => file.Events).Select(e => e.Id).DefaultIfEmpty(0).Max();
        DropPastRetention();
    }

    /// <summary>The highest event id on disk (0 when none), so ids keep ascending across restarts.</summary>
    public long LastId { get; }

    /// <summary>Retained files, oldest first.</summary>
    public IReadOnlyList<EventFile> Files => _files;

    /// <summary>Appends one event (fsynced when <paramref name="sync"/>), rotating and dropping old files as the settings say.</summary>
    public void Append(BackupEvent item, bool sync)
    {
        var line = JsonSerializer.SerializeToUtf8Bytes(item, EventJsonContext.Default.BackupEvent);
        var current = _current is null ? null : _files[^1];
        if (current is null || (current.Bytes > 0 && current.Bytes + line.Length + 1 > _options.MaxFileBytes))
        {
            current = StartFile();
        }

        _current!.Write(line);
        _current.WriteByte((byte)'\n');
        _current.Flush(flushToDisk: sync);
        current.Bytes += line.Length + 1;
        current.Events.Add(item);
        DropPastRetention();
    }

    /// <summary>Makes everything appended durable (on a clean stop).</summary>
    public void Sync() => _current?.Flush(flushToDisk: true);

    public void Dispose()
    {
        Sync();
        _current?.Dispose();
        _current = null;
    }

    private static IEnumerable<(long Number, string Path)> Existing(string directory) =>
        Directory.EnumerateFiles(directory, Prefix + "*" + Extension)
            .Select(path => (Number: long.TryParse(Path.GetFileNameWithoutExtension(path).AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1, Path: path))
            .Where(file => file.Number >= 0)
            .OrderBy(file => file.Number);

    /// <summary>Reads a file's complete lines; a damaged line or a torn last one (a crash mid-write) is skipped and logged.</summary>
    private static EventFile Load(long number, string path, ILogger logger)
    {
        var file = new EventFile(number, path);
        var bytes = File.ReadAllBytes(path);
        file.Bytes = bytes.Length;
        var rest = bytes.AsSpan();
        var line = 0;
        while (rest.Length > 0)
        {
            line++;
            var end = rest.IndexOf((byte)'\n');
            if (end < 0)
            {
                EventsLog.TornLine(logger, Path.GetFileName(path), line);
                break;
            }

            try
            {
                if (JsonSerializer.Deserialize(rest[..end], EventJsonContext.Default.BackupEvent) is { } item)
                {
                    file.Events.Add(item);
                }
            }
            catch (JsonException)
            {
                EventsLog.DamagedLine(logger, Path.GetFileName(path), line);
            }

            rest = rest[(end + 1)..];
        }

        return file;
    }

    private EventFile StartFile()
    {
        _current?.Dispose();
        DurableFiles.CreateDirectory(_directory);
        var number = (_files.Count > 0 ? _files[^1].Number : 0) + 1;
        var path = Path.Combine(_directory, string.Create(CultureInfo.InvariantCulture, $"{Prefix}{number}{Extension}"));
        _current = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        DurableFiles.SyncDirectory(_directory);
        var file = new EventFile(number, path);
        _files.Add(file);
        return file;
    }

    private void DropPastRetention()
    {
        while (_files.Count > 1 && _files.Sum(file => file.Bytes) > _options.RetainedBytes)
        {
            File.Delete(_files[0].Path);
            _files.RemoveAt(0);
        }
    }
}
