using System.Globalization;
using System.Text;
using Buckets.Backup.Status;
using Buckets.Backup.Storage;
using Buckets.Englang;
using Buckets.Hosting.Csv;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Buckets.Backup.Console.ConsoleHtml;

namespace Buckets.Backup.Console;

/// <summary>
/// The bucket pages: the list (a page of the store's listing at a time), one bucket's history (a page
/// of lines at a time, read from its files as they are), its state as of a time or change, the
/// downloads (Englang files, CSV of history or state) and restore after a confirmation.
/// </summary>
internal static class ConsoleBucketPages
{
    // A history download flushes this often, so a long one reaches the browser as it is read.
    private const int FlushEveryRows = 1000;

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("", ListAsync);
        pages.MapGet("/buckets/{id}", BucketAsync);
        pages.MapGet("/buckets/{id}/state", StateAsync);
        pages.MapGet("/buckets/{id}/state.csv", StateCsvAsync);
        pages.MapGet("/buckets/{id}/history.csv", HistoryCsvAsync);
        pages.MapGet("/buckets/{id}/files/{name}", File);
        pages.MapGet("/buckets/{id}/restore", ConfirmRestore);
        pages.MapPost("/buckets/{id}/restore", RestoreAsync);
    }

    /// <summary>Buckets whose id starts with <paramref name="q"/>, one page of the store's listing: never every id at once.</summary>
    private static async Task<IResult> ListAsync(string? q, int? page, HttpContext http, IBackupStore store, BackupHealth health, IOptions<ConsoleOptions> options)
    {
        var size = options.Value.PageSize;
        var number = Math.Max(0, page ?? 0);
        var ids = store.EnumerateBuckets().Where(id => string.IsNullOrEmpty(q) || id.StartsWith(q, StringComparison.Ordinal))
            .Skip(number * size).Take(size + 1).ToList();
        var rows = new StringBuilder();
        foreach (var id in ids.Take(size))
        {
            var info = await store.DescribeAsync(id, http.RequestAborted);
            var lag = health.Buckets.GetValueOrDefault(id);
            rows.Append("<tr><td class=\"mono\"><a href=\"/console/buckets/").Append(U(id)).Append("\">").Append(E(id)).Append("</a></td>")
                .Append("<td class=\"num\">").Append(info?.LastSeq).Append("</td><td>").Append(Time(info?.LastChangeAt)).Append("</td>")
                .Append("<td class=\"num\">").Append(Bytes(info?.Bytes)).Append("</td><td class=\"num\">").Append(info?.Files.Count).Append("</td>")
                .Append("<td class=\"num\">").Append(lag?.Lag is { } l ? Num(l.TotalSeconds) + " s" : "").Append("</td><td>").Append(Time(lag?.StoredAt)).Append("</td>")
                .Append("<td>").Append(info?.Erased == true ? "erased" : "").Append("</td></tr>");
        }

        var query = string.IsNullOrEmpty(q) ? "" : "q=" + U(q) + "&";
        var body = $"""
            <form class="filters" method="get" action="/console" role="search">
              <label>Bucket id starts with <input name="q" value="{E(q)}" autofocus></label>
              <button type="submit">Search</button>
            </form>
            <table><caption class="note">Page {number + 1}, {Math.Min(ids.Count, size)} buckets in the store's order. Entries and durability are on each bucket's page (they need its state).</caption>
            <thead><tr><th scope="col">Bucket</th><th scope="col">Last change</th><th scope="col">Last change at</th><th scope="col">Backup bytes</th><th scope="col">Files</th><th scope="col">Backup lag</th><th scope="col">Last stored</th><th scope="col">State</th></tr></thead>
            <tbody>{rows}</tbody></table>
            <nav class="pager" aria-label="Pages">{(number > 0 ? $"<a href=\"/console?{query}page={number - 1}\">Previous page</a>" : "")}{(ids.Count > size ? $"<a href=\"/console?{query}page={number + 1}\">Next page</a>" : "")}</nav>
            """;
        return Page(http, "Buckets", "Buckets", body);
    }

    /// <summary>One bucket: its backup, a page of its history (filtered by key prefix and time), the as-of and download forms.</summary>
    private static async Task<IResult> BucketAsync(string id, string? prefix, string? from, string? to, string? after, HttpContext http, IBackupStore store, IOptions<ConsoleOptions> options)
    {
        if (!BucketIds.IsValid(id) || await store.DescribeAsync(id, http.RequestAborted) is not { } info)
        {
            return Page(http, "No such bucket", "Buckets", $"<p>The store holds no backup of bucket <code>{E(id)}</code>.</p>", status: StatusCodes.Status404NotFound);
        }

        if (!TryParseTime(from, out var fromTime) || !TryParseTime(to, out var toTime))
        {
            return Page(http, "Invalid filter", "Buckets", "<p class=\"error\">Times are ISO 8601 (2026-11-25T00:31:09Z) or the form's date and time (UTC).</p>", status: StatusCodes.Status400BadRequest);
        }

        var filter = new HistoryFilter(prefix, fromTime, toTime);
        var (fileIndex, line) = ParseCursor(after);
        var size = options.Value.PageSize;
        var rows = new StringBuilder();
        var count = 0;
        string? next = null;
        foreach (var (row, file, lineNumber) in ReadHistory(store, info, filter, fileIndex, line))
        {
            if (count == size)
            {
                next = $"{file}:{lineNumber}";
                break;
            }

            count++;
            rows.Append("<tr><td>").Append(Time(row.At)).Append("</td><td class=\"num\">").Append(row.Change).Append("</td><td>").Append(row.Action)
                .Append("</td><td class=\"mono\">").Append(E(row.Key)).Append("</td><td class=\"mono\">").Append(E(Preview(row.Value, options.Value.ValuePreviewChars)))
                .Append("</td><td>").Append(Time(row.ExpiresAt)).Append("</td></tr>");
        }

        var filterQuery = filter.Query;
        var files = new StringBuilder();
        foreach (var file in info.Files)
        {
            files.Append("<li><a href=\"/console/buckets/").Append(U(id)).Append("/files/").Append(U(file.Name)).Append("\">").Append(E(file.Name)).Append("</a> (")
                .Append(file.Kind).Append(", changes ").Append(file.FromSeq).Append('–').Append(file.ToSeq).Append(", ").Append(Bytes(file.Bytes)).Append(file.Retired ? ", retired" : "").Append(")</li>");
        }

        var body = $"""
            <p>Last change <strong>{info.LastSeq}</strong> at {Time(info.LastChangeAt)}; {Bytes(info.Bytes)} in {info.Files.Count} files; epoch {info.Epoch}{(info.Erased ? "; <strong>erased</strong>" : "")}.</p>
            <h2>State as of</h2>
            <form class="filters" method="get" action="/console/buckets/{U(id)}/state">
              <label>Time (UTC) <input type="datetime-local" step="0.001" name="at"></label>
              <label>or change number <input type="number" min="1" name="seq"></label>
              <button type="submit">Show state</button>
            </form>
            <h2>History</h2>
            <form class="filters" method="get" action="/console/buckets/{U(id)}">
              <label>Key starts with <input name="prefix" value="{E(prefix)}"></label>
              <label>From (UTC) <input type="datetime-local" step="0.001" name="from" value="{E(from)}"></label>
              <label>To (UTC) <input type="datetime-local" step="0.001" name="to" value="{E(to)}"></label>
              <button type="submit">Filter</button>
            </form>
            <p><a href="/console/buckets/{U(id)}/history.csv?{filterQuery}">Download this history as CSV</a> · <a href="/console/buckets/{U(id)}/state.csv">Download the current state as CSV</a></p>
            <table><thead><tr><th scope="col">Time</th><th scope="col">Change</th><th scope="col">Action</th><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Expires</th></tr></thead>
            <tbody>{rows}</tbody></table>
            <p class="note">{count} lines{(count == 0 ? " match" : " shown")}. A snapshot's entries ("held") carry their last change number; their time is the snapshot's.</p>
            <nav class="pager" aria-label="History pages">{(after is not null ? $"<a href=\"/console/buckets/{U(id)}?{filterQuery}\">First page</a>" : "")}{(next is not null ? $"<a href=\"/console/buckets/{U(id)}?{filterQuery}&amp;after={U(next)}\">Next page</a>" : "")}</nav>
            <h2>Englang files</h2><ul>{files}</ul>
            """;
        return Page(http, "Bucket " + id, "Buckets", body);
    }

    /// <summary>The bucket as of a time or change: a read-only page of its entries.</summary>
    private static async Task<IResult> StateAsync(string id, string? at, string? seq, int? page, HttpContext http, IBackupStore store, IOptions<ConsoleOptions> options)
    {
        var (state, point, problem) = await ReadStateAsync(id, at, seq, http, store);
        if (problem is not null)
        {
            return problem;
        }

        var size = options.Value.PageSize;
        var number = Math.Max(0, page ?? 0);
        var rows = new StringBuilder();
        var shown = 0;
        foreach (var entry in Entries(state!).Skip(number * size).Take(size))
        {
            shown++;
            rows.Append("<tr><td class=\"mono\">").Append(E(entry.Key)).Append("</td><td class=\"mono\">").Append(E(Preview(entry.Value, options.Value.ValuePreviewChars)))
                .Append("</td><td>").Append(EnglangWriter.IsTextValue(entry.Value) ? "text" : "base64").Append("</td><td>").Append(Time(entry.ExpiresAt))
                .Append("</td><td class=\"num\">").Append(entry.Change).Append("</td></tr>");
        }

        var pointQuery = point.Query;
        var body = $"""
            <p>Read-only: bucket <a href="/console/buckets/{U(id)}"><code>{E(id)}</code></a> {E(point.Describe)}, through change <strong>{state!.Seq}</strong>, {state.EntryCount} entries.</p>
            <p><a href="/console/buckets/{U(id)}/state.csv?{pointQuery}">Download this state as CSV</a> · <a href="/console/buckets/{U(id)}/restore?{pointQuery}">Restore the bucket to this point…</a></p>
            <table><thead><tr><th scope="col">Key</th><th scope="col">Value</th><th scope="col">Encoding</th><th scope="col">Expires</th><th scope="col">Last change</th></tr></thead><tbody>{rows}</tbody></table>
            <nav class="pager" aria-label="State pages">{(number > 0 ? $"<a href=\"/console/buckets/{U(id)}/state?{pointQuery}&amp;page={number - 1}\">Previous page</a>" : "")}{((number + 1) * size < state.EntryCount ? $"<a href=\"/console/buckets/{U(id)}/state?{pointQuery}&amp;page={number + 1}\">Next page</a>" : "")}</nav>
            """;
        return Page(http, $"State of {id}", "Buckets", body);
    }

    private static async Task<IResult> StateCsvAsync(string id, string? at, string? seq, HttpContext http, IBackupStore store)
    {
        var (state, _, problem) = await ReadStateAsync(id, at, seq, http, store);
        if (problem is not null)
        {
            return problem;
        }

        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{id}-state-{state!.Seq}.csv\"";
        return Results.Stream(async body =>
        {
            await using var csv = BucketCsvWriter.ForState(body);
            foreach (var entry in Entries(state))
            {
                csv.Write(entry);
            }
        }, BucketCsvWriter.ContentType);
    }

    /// <summary>The filtered history as CSV, streamed file by file, line by line.</summary>
    private static async Task<IResult> HistoryCsvAsync(string id, string? prefix, string? from, string? to, HttpContext http, IBackupStore store)
    {
        if (!BucketIds.IsValid(id) || await store.DescribeAsync(id, http.RequestAborted) is not { } info)
        {
            return Results.NotFound();
        }

        if (!TryParseTime(from, out var fromTime) || !TryParseTime(to, out var toTime))
        {
            return Results.BadRequest();
        }

        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{id}-history.csv\"";
        return Results.Stream(async body =>
        {
            await using var csv = BucketCsvWriter.ForHistory(body);
            var written = 0;
            foreach (var (row, _, _) in ReadHistory(store, info, new HistoryFilter(prefix, fromTime, toTime), 0, 0))
            {
                csv.Write(row);
                if (++written % FlushEveryRows == 0)
                {
                    await csv.FlushAsync(http.RequestAborted);
                }
            }
        }, BucketCsvWriter.ContentType);
    }

    private static IResult File(string id, string name, HttpContext http, IBackupStore store)
    {
        if (store.OpenFile(id, name) is not { } stream)
        {
            return Results.NotFound();
        }

        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{id}-{name}\"";
        return Results.Stream(stream, "text/plain; charset=utf-8");
    }

    private static IResult ConfirmRestore(string id, string? at, string? seq, HttpContext http)
    {
        if (!BucketIds.IsValid(id) || !TryParsePoint(at, seq, out var point))
        {
            return Page(http, "Invalid restore point", "Buckets", "<p class=\"error\">Give a time or a change number.</p>", status: StatusCodes.Status400BadRequest);
        }

        return Page(http, "Restore " + id, "Buckets", $"""
            <p>Restore bucket <code>{E(id)}</code> to its state {E(point.Describe)}? Its entries in memory are replaced by that state; the restore is recorded as a new change, so nothing of the history is lost.</p>
            <form method="post" action="/console/buckets/{U(id)}/restore">
              {Antiforgery(http)}
              <input type="hidden" name="at" value="{E(at)}"><input type="hidden" name="seq" value="{E(seq)}">
              <button type="submit" class="danger">Yes, restore the bucket</button>
              <a href="/console/buckets/{U(id)}/state?{point.Query}">No, go back</a>
            </form>
            """);
    }

    private static async Task<IResult> RestoreAsync(string id, HttpContext http)
    {
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var at = NullIfEmpty(form["at"]);
        var seq = NullIfEmpty(form["seq"]);
        if (!BucketIds.IsValid(id) || !TryParsePoint(at, seq, out var point))
        {
            return Page(http, "Invalid restore point", "Buckets", "<p class=\"error\">Give a time or a change number.</p>", status: StatusCodes.Status400BadRequest);
        }

        if (http.RequestServices.GetService<IConsoleRestorer>() is not { } restorer)
        {
            return Page(http, "Restore unavailable", "Buckets", "<p class=\"error\">No silo is known to this backup server yet; restore with <code>buckets restore</code>.</p>", status: StatusCodes.Status503ServiceUnavailable);
        }

        var outcome = await restorer.RestoreAsync(id, point.Seq, point.At, http.RequestAborted);
        return Page(http, "Restore " + id, "Buckets", $"<p role=\"status\">{E(outcome)}</p><p><a href=\"/console/buckets/{U(id)}\">Back to the bucket</a></p>");
    }

    private static async Task<(StateSnapshot? State, RestorePoint Point, IResult? Problem)> ReadStateAsync(string id, string? at, string? seq, HttpContext http, IBackupStore store)
    {
        if (!BucketIds.IsValid(id) || !TryParsePoint(at, seq, out var point, allowLatest: true))
        {
            return (null, default, Page(http, "Invalid point", "Buckets", "<p class=\"error\">Give a time (UTC) or a change number.</p>", status: StatusCodes.Status400BadRequest));
        }

        try
        {
            var state = await store.ReadStateAsync(id, point.Seq, point.At, http.RequestAborted);
            return state is null
                ? (null, point, Page(http, "No such bucket", "Buckets", $"<p>The store holds no backup of bucket <code>{E(id)}</code>.</p>", status: StatusCodes.Status404NotFound))
                : (state, point, null);
        }
        catch (BackupHistoryUnavailableException e)
        {
            return (null, point, Page(http, "Not kept", "Buckets", $"<p class=\"error\">{E(e.Message)}</p>", status: StatusCodes.Status410Gone));
        }
        catch (BackupCorruptException e)
        {
            return (null, point, Page(http, "Damaged", "Buckets", $"<p class=\"error\">{E(e.Message)}</p>", status: StatusCodes.Status422UnprocessableEntity));
        }
    }

    /// <summary>The entries of a state snapshot, as rows.</summary>
    private static IEnumerable<ChangeRow> Entries(StateSnapshot state)
    {
        using var reader = new EnglangReader(new MemoryStream(state.Snapshot, writable: false), "state");
        while (reader.TryRead(out var item))
        {
            if (item.Record is SnapshotEntryRecord && ChangeRow.From(item.Record) is { } row)
            {
                yield return row;
            }
        }
    }

    /// <summary>The bucket's lines in file order from (<paramref name="startFile"/>, <paramref name="startLine"/>), one file open at a time.</summary>
    private static IEnumerable<(ChangeRow Row, int File, long Line)> ReadHistory(IBackupStore store, BucketBackupInfo info, HistoryFilter filter, int startFile, long startLine)
    {
        for (var f = Math.Max(0, startFile); f < info.Files.Count; f++)
        {
            using var stream = store.OpenFile(info.BucketId, info.Files[f].Name);
            if (stream is null)
            {
                continue;
            }

            using var reader = new EnglangReader(stream, info.Files[f].Name);
            while (reader.TryRead(out var item))
            {
                if ((f == startFile && item.LineNumber < startLine) || ChangeRow.From(item.Record) is not { } row || !filter.Matches(item.Record, row))
                {
                    continue;
                }

                yield return (row, f, item.LineNumber);
            }
        }
    }

    private static string Preview(byte[]? value, int chars)
    {
        if (value is null)
        {
            return "";
        }

        var text = EnglangWriter.IsTextValue(value) ? Encoding.UTF8.GetString(value) : "base64:" + Convert.ToBase64String(value);
        return text.Length <= chars ? text : text[..chars] + "…";
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    /// <summary>ISO 8601 or the browser's datetime-local value, read as UTC.</summary>
    private static bool TryParseTime(string? text, out DateTimeOffset? time)
    {
        time = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
        {
            time = parsed;
            return true;
        }

        return false;
    }

    private static bool TryParsePoint(string? at, string? seq, out RestorePoint point, bool allowLatest = false)
    {
        point = default;
        at = NullIfEmpty(at);
        seq = NullIfEmpty(seq);
        if (seq is not null)
        {
            if (at is not null || !long.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1)
            {
                return false;
            }

            point = new RestorePoint(number, null);
            return true;
        }

        if (at is null)
        {
            return allowLatest;
        }

        if (!TryParseTime(at, out var time))
        {
            return false;
        }

        point = new RestorePoint(null, time);
        return true;
    }

    private static (int File, long Line) ParseCursor(string? after)
    {
        var parts = after?.Split(':');
        return parts is [var f, var l] && int.TryParse(f, NumberStyles.None, CultureInfo.InvariantCulture, out var file)
            && long.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var line)
            ? (file, line)
            : (0, 0);
    }

    /// <summary>The history filter of the page and the CSV download.</summary>
    private sealed record HistoryFilter(string? Prefix, DateTimeOffset? From, DateTimeOffset? To)
    {
        public string Query =>
            $"prefix={U(Prefix ?? "")}&amp;from={U(From?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) ?? "")}&amp;to={U(To?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) ?? "")}";

        public bool Matches(EnglangRecord record, ChangeRow row) =>
            (string.IsNullOrEmpty(Prefix) || row.Key.StartsWith(Prefix, StringComparison.Ordinal))
            && (From is null || record.At >= From)
            && (To is null || record.At <= To);
    }

    /// <summary>A point of a bucket's history: a change number, a time, or (neither) the latest.</summary>
    private readonly record struct RestorePoint(long? Seq, DateTimeOffset? At)
    {
        public string Query => Seq is { } seq ? $"seq={seq}" : At is { } at ? "at=" + U(at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)) : "";

        public string Describe => Seq is { } seq ? $"as of change {seq}" : At is { } at ? "as of " + Time(at) : "now (latest backup)";
    }
}
