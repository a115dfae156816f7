using System.Globalization;
using System.Text;
using Buckets.Englang;

namespace Buckets.Hosting.Csv;

/// <summary>
/// Writes a bucket's entries (its state) or its changes (its history) as CSV, row by row onto a
/// stream, so an export of any size is never held whole. One writer for the tenant export and the
/// console's downloads, so both read the same way:
/// <list type="bullet">
/// <item>RFC 4180: UTF-8 without byte order mark, CRLF after every row, a field quoted when it holds
/// a comma, a quote, CR or LF, a quote inside doubled.</item>
/// <item>Header <see cref="StateHeader"/>; history adds an <c>action</c> column (<see cref="HistoryHeader"/>).</item>
/// <item><c>value_encoding</c> is <c>text</c> when the value is UTF-8 text (the rule Englang uses to
/// write it quoted, <see cref="EnglangWriter.IsTextValue"/>), else <c>base64</c> and the value is its
/// standard base64.</item>
/// <item>Formulas: a key or value whose first character is <c>= + - @</c>, tab, CR or an apostrophe
/// gets one leading apostrophe (<c>'</c>), so a spreadsheet shows it as text instead of running it.
/// To read the original back, drop one leading apostrophe from a key or value that has one
/// (<see cref="Unneutralise"/>); nothing else ever starts with an apostrophe.</item>
/// <item>Times are ISO 8601 UTC with milliseconds; <c>expires_at</c> is empty for an entry that
/// never expires, <c>last_changed_at</c> empty where only the change number is known (the bucket
/// and its snapshots keep the number of an entry's last change, not its time).</item>
/// </list>
/// </summary>
public sealed class BucketCsvWriter : IAsyncDisposable
{
    /// <summary>The response content type.</summary>
    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>The header of a state export.</summary>
    public const string StateHeader = "key,value,value_encoding,expires_at,last_change,last_changed_at";

    /// <summary>The header of a history export: one row per change, with what it did.</summary>
    public const string HistoryHeader = StateHeader + ",action";

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    // Rows are encoded into this buffer and reach the stream when it fills or on flush.
    private const int BufferChars = 16 * 1024;

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    private readonly StreamWriter _writer;
    private readonly bool _history;

    private BucketCsvWriter(Stream destination, bool history)
    {
        _writer = new StreamWriter(destination, Utf8NoBom, BufferChars, leaveOpen: true) { NewLine = "\r\n" };
        _history = history;
    }

    /// <summary>A writer of state rows (<see cref="StateHeader"/>); the header is written at once.</summary>
    public static BucketCsvWriter ForState(Stream destination) => Start(destination, history: false);

    /// <summary>A writer of history rows (<see cref="HistoryHeader"/>); the header is written at once.</summary>
    public static BucketCsvWriter ForHistory(Stream destination) => Start(destination, history: true);

    /// <summary>One entry of the state.</summary>
    public void WriteEntry(string key, ReadOnlySpan<byte> value, DateTimeOffset? expiresAt, long lastChange, DateTimeOffset? lastChangedAt) =>
        WriteRow(key, value, isValue: true, expiresAt, lastChange, lastChangedAt, action: "held");

    /// <summary>
    /// One Englang record: a snapshot entry as an entry; in a history writer, also every change (set,
    /// delete, expire, policy, clear, erase) with its time and number. Snapshot headers and footers
    /// write nothing. Returns true when a row was written.
    /// </summary>
    public bool Write(EnglangRecord record)
    {
        if (ChangeRow.From(record) is not { } row || (!_history && row.Action != "held"))
        {
            return false;
        }

        Write(row);
        return true;
    }

    /// <summary>One row as it is (a state writer writes it as an entry, without the action).</summary>
    public void Write(ChangeRow row) =>
        WriteRow(row.Key, row.Value, isValue: row.Value is not null, row.ExpiresAt, row.Change, row.At, row.Action);

    /// <summary>Sends what is buffered to the stream.</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _writer.FlushAsync(cancellationToken);

    /// <summary>Flushes and releases the writer; the stream stays open.</summary>
    public ValueTask DisposeAsync() => _writer.DisposeAsync();

    /// <summary>The key or value a spreadsheet-safe field stands for: one leading apostrophe dropped.</summary>
    public static string Unneutralise(string field) => field.StartsWith('\'') ? field[1..] : field;

    /// <summary>The field as written: an apostrophe before a leading formula character (or apostrophe).</summary>
    public static string Neutralise(string field) =>
        field.Length > 0 && field[0] is '=' or '+' or '-' or '@' or '\t' or '\r' or '\'' ? "'" + field : field;

    private static BucketCsvWriter Start(Stream destination, bool history)
    {
        var writer = new BucketCsvWriter(destination, history);
        writer._writer.WriteLine(history ? HistoryHeader : StateHeader);
        return writer;
    }

    private void WriteRow(string key, ReadOnlySpan<byte> value, bool isValue, DateTimeOffset? expiresAt, long change, DateTimeOffset? changedAt, string action)
    {
        WriteField(Neutralise(key));
        _writer.Write(',');
        var isText = !isValue || EnglangWriter.IsTextValue(value);
        WriteField(Neutralise(!isValue ? "" : isText ? Encoding.UTF8.GetString(value) : Convert.ToBase64String(value)));
        _writer.Write(',');
        _writer.Write(!isValue ? "" : isText ? "text" : "base64");
        _writer.Write(',');
        _writer.Write(expiresAt?.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        _writer.Write(',');
        _writer.Write(change.ToString(CultureInfo.InvariantCulture));
        _writer.Write(',');
        _writer.Write(changedAt?.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture));
        if (_history)
        {
            _writer.Write(',');
            _writer.Write(action);
        }

        _writer.WriteLine();
    }

    private void WriteField(string field)
    {
        if (field.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _writer.Write(field);
            return;
        }

        _writer.Write('"');
        _writer.Write(field.Replace("\"", "\"\"", StringComparison.Ordinal));
        _writer.Write('"');
    }
}
