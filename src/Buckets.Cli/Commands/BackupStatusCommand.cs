using System.CommandLine;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Buckets.Backup.Cluster;

namespace Buckets.Cli.Commands;

/// <summary>
/// <c>buckets backup status [--server URL]... [--json]</c>: the backup servers (<c>GET /admin/v1/cluster</c>
/// on each): buckets held and kept per server, resync and move progress, the last integrity sweep, and
/// the buckets below their replication target. Given one server it follows that server's list to the others; given
/// several it asks exactly those. Exit 1 when a server did not answer.
/// </summary>
internal static class BackupStatusCommand
{
    private const string ClusterPath = "/admin/v1/cluster";

    public static Command Create()
    {
        var servers = new Option<Uri[]>("--server")
        {
            Description = "Internal (admin) URL of a backup server (repeatable; one is enough, its server list names the others). Default: the silo's in development, http://127.0.0.1:5082",
            CustomParser = result => [.. result.Tokens.Select(token => Uri.TryCreate(token.Value, UriKind.Absolute, out var uri) ? uri : Invalid(result, token.Value))],
            AllowMultipleArgumentsPerToken = false,
        };
        var json = new Option<bool>("--json") { Description = "Print each server's JSON answer, by server URL" };
        var adminToken = CommonOptions.AdminToken();
        var command = new Command("status", "Show the backup servers: buckets per server, resync and move progress, the last integrity sweep, replication below target") { servers, json, adminToken };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var given = parse.GetValue(servers) is { Length: > 0 } list ? list : [CommonOptions.DefaultServer];
            var answers = await AskAsync(given, parse.GetValue(adminToken)!, cancellationToken);
            if (parse.GetValue(json))
            {
                var all = new JsonObject();
                foreach (var (server, status, error) in answers)
                {
                    all[server] = status is null ? new JsonObject { ["error"] = error } : JsonSerializer.SerializeToNode(status, JsonSerializerOptions.Web);
                }

                Console.WriteLine(all.ToJsonString(new JsonSerializerOptions(JsonSerializerOptions.Web) { WriteIndented = true }));
            }
            else
            {
                Console.Write(Format(answers));
            }

            return answers.All(a => a.Status is not null) ? 0 : 1;
        });
        return command;
    }

    /// <summary>Asks every given server; with one given, also every server its list names.</summary>
    private static async Task<List<(string Server, ClusterStatus? Status, string? Error)>> AskAsync(Uri[] given, string adminToken, CancellationToken cancellationToken)
    {
        var answers = new List<(string, ClusterStatus?, string?)>();
        var asked = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<Uri>(given);
        while (queue.TryDequeue(out var server))
        {
            var id = server.GetLeftPart(UriPartial.Authority);
            if (!asked.Add(id))
            {
                continue;
            }

            var (status, error) = await AskAsync(server, adminToken, cancellationToken);
            answers.Add((id, status, error));
            if (given.Length == 1 && status is not null)
            {
                foreach (var other in status.Servers.Servers)
                {
                    queue.Enqueue(new Uri(other));
                }
            }
        }

        return answers;
    }

    private static async Task<(ClusterStatus? Status, string? Error)> AskAsync(Uri server, string adminToken, CancellationToken cancellationToken)
    {
        try
        {
            using var http = AdminHttp.Create(server, adminToken);
            using var response = await http.GetAsync(ClusterPath, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"{(int)response.StatusCode} {response.ReasonPhrase}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
            }

            return (await response.Content.ReadFromJsonAsync<ClusterStatus>(cancellationToken), null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return (null, $"did not answer: {e.Message}");
        }
    }

    private static string Format(List<(string Server, ClusterStatus? Status, string? Error)> answers)
    {
        var text = new StringBuilder();
        var lists = answers.Where(a => a.Status is not null).Select(a => string.Join(",", a.Status!.Servers.Servers)).Distinct().Count();
        text.AppendLine(CultureInfo.InvariantCulture, $"{answers.Count} backup servers asked, {answers.Count(a => a.Status is not null)} answered{(lists > 1 ? "; THEIR SERVER LISTS DIFFER" : "")}");
        foreach (var (server, status, error) in answers)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"{server}{(status?.Servers.Self is { } self && !string.Equals(self, server, StringComparison.OrdinalIgnoreCase) ? $" ({self})" : "")}");
            if (status is null)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  unreachable: {error}");
                continue;
            }

            var resync = status.Resync;
            text.AppendLine(CultureInfo.InvariantCulture, $"  resync:       {(resync.Resyncing ? $"resyncing, {resync.BucketsCopied} buckets copied back ({resync.BytesCopied} bytes)" : resync.BucketsCopied > 0 ? $"done, {resync.BucketsCopied} buckets copied back" : "not resyncing")}{(resync.LastProblem is { } problem ? $"; last problem: {problem}" : "")}");
            var moves = status.Moves;
            text.AppendLine(CultureInfo.InvariantCulture, $"  moves:        {(moves.Passes == 0 ? "no pass yet" : $"last pass {moves.LastPassAt:u}: {moves.CopiedIn} copied in, {moves.Forgotten} forgotten, {moves.Waiting} waiting for their new replicas")}{(status.Leaving ? "; THIS SERVER IS LEAVING the list" : "")}{(moves.LastProblem is { } moveProblem ? $"; last problem: {moveProblem}" : "")}");
            var sweep = status.Sweep;
            if (sweep.Last is { } last)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  buckets:      {last.BucketsHeld} held, {last.BucketsKept} kept here (at the last sweep)");
                text.AppendLine(CultureInfo.InvariantCulture, $"  last sweep:   {last.FinishedAt:u}, {last.Seconds:F1} s: {last.InSync} in sync, {last.Damaged} damaged, {last.Divergent} divergent, {last.Behind} catching up, {last.Ambiguous} ambiguous, {last.Repaired} repaired, {last.RepairsFailed} repairs failed, {last.Deferred} deferred, {last.Failed} not checked");
                text.AppendLine(CultureInfo.InvariantCulture, $"  below target: {last.BelowTarget}{(last.BelowTarget > 0 ? $" ({string.Join(", ", last.BelowTargetIds)}{(last.BelowTarget > last.BelowTargetIds.Count ? ", ..." : "")})" : "")}");
            }
            else
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  buckets:      not counted yet (no sweep finished)");
            }

            if (sweep.Running)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  sweeping:     {sweep.Checked} buckets checked so far");
            }
            else if (!sweep.Enabled)
            {
                text.AppendLine("  sweeping:     off (Backup:Sweep:Enabled)");
            }

            foreach (var peer in status.Peers)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  peer {peer.Server}: {(peer.Reachable ? "answers" : "DOES NOT ANSWER")} (checked {peer.CheckedAt:u}){(peer.ListDifference is { } difference ? $"; ITS LIST DIFFERS: {difference}" : "")}");
            }

            foreach (var (silo, difference) in status.SiloListDifferences)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  silo {silo}: ITS LIST DIFFERS: {difference}");
            }
        }

        return text.ToString();
    }

    private static Uri Invalid(System.CommandLine.Parsing.ArgumentResult result, string value)
    {
        result.AddError($"'{value}' is not an absolute URL such as http://127.0.0.1:5083.");
        return new Uri("http://127.0.0.1:5083");
    }
}
