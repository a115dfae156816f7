using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using Buckets.Backup.Events;

namespace Buckets.Cli.Commands;

/// <summary>
/// <c>buckets backup events [--kind K]... [--severity S] [--limit N] [--cursor C] [--json]</c>: the health
/// events of a backup service (<c>GET /admin/v1/events</c>), newest first, one line each.
/// </summary>
internal static class BackupEventsCommand
{
    public static Command Create()
    {
        var kinds = new Option<string[]>("--kind") { Description = $"Only these kinds (repeatable): {string.Join(", ", Enum.GetNames<BackupEventKind>())}" };
        var severity = new Option<string?>("--severity") { Description = "The least severity shown: info, warning or failure" };
        var limit = new Option<int?>("--limit") { Description = "Events per page (the server's default and maximum apply)" };
        var cursor = new Option<string?>("--cursor") { Description = "Older events: the cursor a previous page printed" };
        var json = new Option<bool>("--json") { Description = "Print the server's JSON answer as it is" };
        var server = new Option<Uri>("--server")
        {
            Description = "Internal (admin) URL of the backup service: the silo's in development (http://127.0.0.1:5082), else the backup server's (Buckets:Http:InternalUrls, e.g. http://127.0.0.1:5083)",
            DefaultValueFactory = CommonOptions.Server().DefaultValueFactory,
            CustomParser = CommonOptions.Server().CustomParser,
        };
        var adminToken = CommonOptions.AdminToken();
        var command = new Command("events", "Show the backup service's health events, newest first") { kinds, severity, limit, cursor, json, server, adminToken };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var query = new List<string>();
            query.AddRange((parse.GetValue(kinds) ?? []).Select(kind => "kind=" + Uri.EscapeDataString(kind)));
            AddIf(query, "severity", parse.GetValue(severity));
            AddIf(query, "limit", parse.GetValue(limit)?.ToString(CultureInfo.InvariantCulture));
            AddIf(query, "cursor", parse.GetValue(cursor));
            using var http = AdminHttp.Create(parse.GetValue(server)!, parse.GetValue(adminToken)!);
            using var response = await http.GetAsync($"/admin/v1/events{(query.Count > 0 ? "?" + string.Join('&', query) : "")}", cancellationToken);
            if (parse.GetValue(json) || !response.IsSuccessStatusCode)
            {
                return await AdminHttp.PrintAsync(response, cancellationToken);
            }

            var page = await response.Content.ReadFromJsonAsync<BackupEventPage>(cancellationToken);
            foreach (var item in page?.Events ?? [])
            {
                Console.WriteLine(Format(item));
            }

            if (page?.Next is { } next)
            {
                Console.WriteLine($"(older events: --cursor {next})");
            }

            return 0;
        });
        return command;
    }

    private static void AddIf(List<string> query, string name, string? value)
    {
        if (value is not null)
        {
            query.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }

    private static string Format(BackupEvent item)
    {
        var count = item.Count > 1 ? $" (x{item.Count} since {item.FirstAt:u})" : "";
        var details = item.Details.Count == 0 ? "" : " [" + string.Join(", ", item.Details.Select(d => $"{d.Key}={d.Value}")) + "]";
        return string.Create(CultureInfo.InvariantCulture, $"{item.Id,6} {item.At:u} {item.Severity,-7} {item.Kind}: {item.Summary}{count}{details}");
    }
}
