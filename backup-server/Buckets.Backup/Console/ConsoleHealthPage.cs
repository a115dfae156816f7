using System.Globalization;
using System.Text;
using Buckets.Backup.Cluster;
using Buckets.Backup.Status;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using static Buckets.Backup.Console.ConsoleHtml;

namespace Buckets.Backup.Console;

/// <summary>Health: pulls per silo, peer backup servers (when replicated), lag, warnings, disk use and its forecast, and plots of the last hour drawn as inline SVG on the server.</summary>
internal static class ConsoleHealthPage
{
    private const int PlotWidth = 640;
    private const int PlotHeight = 160;
    private const int Margin = 36;

    public static void Map(RouteGroupBuilder pages) => pages.MapGet("/health", Health);

    private static IResult Health(HttpContext http, BackupHealth health, ConsoleSampler sampler)
    {
        var status = health.Snapshot();
        var samples = sampler.Samples;
        var silos = new StringBuilder();
        foreach (var (silo, at) in status.LastPullBySilo.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            silos.Append("<tr><td class=\"mono\">").Append(E(silo)).Append("</td><td>").Append(at == DateTimeOffset.MinValue ? "<span class=\"error\">never succeeded</span>" : Time(at)).Append("</td></tr>");
        }

        var peers = new StringBuilder();
        foreach (var peer in http.RequestServices.GetService<PeerMonitor>()?.Peers ?? [])
        {
            peers.Append("<tr><td class=\"mono\">").Append(E(peer.Server)).Append("</td><td>").Append(peer.Reachable ? "reachable" : "<span class=\"error\">unreachable</span>")
                .Append("</td><td>").Append(Time(peer.CheckedAt)).Append("</td><td>").Append(E(peer.ListDifference)).Append("</td></tr>");
        }

        var warnings = status.Warnings.Count == 0 ? "<p>No warnings.</p>" : "<ul>" + string.Concat(status.Warnings.Select(w => $"<li class=\"error\">{E(w)}</li>")) + "</ul>";
        var body = $"""
            <h2>Backup</h2>
            <table><tbody>
              <tr><th scope="row">Last successful pull</th><td>{Time(status.LastSuccessfulPull)}</td></tr>
              <tr><th scope="row">Buckets stored since start</th><td class="num">{status.BucketsBackedUp}</td></tr>
              <tr><th scope="row">Lag p50 / p99</th><td class="num">{Seconds(status.LagP50Seconds)} / {Seconds(status.LagP99Seconds)}</td></tr>
              <tr><th scope="row">Disk free</th><td class="num">{Bytes(status.DiskFreeBytes)}</td></tr>
              <tr><th scope="row">Disk growth</th><td class="num">{(status.DiskGrowthBytesPerSecond is { } g ? Bytes((long)g) + "/s" : "")}</td></tr>
              <tr><th scope="row">Disk full in (forecast)</th><td class="num">{(status.DiskFullIn is { } eta ? eta.ToString(@"d\.hh\:mm", CultureInfo.InvariantCulture) : "not at the recent rate")}</td></tr>
            </tbody></table>
            <h2>Warnings</h2>{warnings}
            <h2>Silos</h2>
            <table><thead><tr><th scope="col">Silo</th><th scope="col">Last pull</th></tr></thead><tbody>{silos}</tbody></table>
            {(peers.Length == 0 ? "" : $"<h2>Backup servers</h2><table><thead><tr><th scope=\"col\">Server</th><th scope=\"col\">State</th><th scope=\"col\">Checked</th><th scope=\"col\">Server list difference</th></tr></thead><tbody>{peers}</tbody></table>")}
            <h2>Last hour</h2>
            {Plot("Backup lag p99 (seconds)", samples, s => s.LagP99Seconds)}
            {Plot("Write rate (changes stored per second)", samples, s => s.ChangesPerSecond)}
            {Plot("Disk free (MiB)", samples, s => s.DiskFreeBytes / 1024.0 / 1024)}
            """;
        return Page(http, "Health", "Health", body);
    }

    private static string Seconds(double? value) => value is { } v ? Num(v) + " s" : "";

    /// <summary>A line plot of one series; its numbers are also in the SVG's title for a screen reader.</summary>
    private static string Plot(string title, IReadOnlyList<HealthSample> samples, Func<HealthSample, double?> value)
    {
        var points = samples.Select(s => (s.At, Value: value(s))).Where(p => p.Value is not null).Select(p => (p.At, Value: p.Value!.Value)).ToList();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<figure><figcaption>{E(title)}</figcaption><svg role=\"img\" width=\"{PlotWidth}\" height=\"{PlotHeight}\" viewBox=\"0 0 {PlotWidth} {PlotHeight}\">");
        if (points.Count == 0)
        {
            svg.Append("<title>No samples yet</title><text x=\"40\" y=\"80\">No samples yet</text></svg></figure>");
            return svg.ToString();
        }

        var start = points[0].At;
        var span = Math.Max(1, (points[^1].At - start).TotalSeconds);
        var max = Math.Max(points.Max(p => p.Value), 1e-9);
        var min = Math.Min(0, points.Min(p => p.Value));
        double X(DateTimeOffset at) => Margin + ((at - start).TotalSeconds / span * (PlotWidth - 2 * Margin));
        double Y(double v) => PlotHeight - Margin + ((min - v) / (max - min) * (PlotHeight - 2 * Margin));
        svg.Append(CultureInfo.InvariantCulture, $"<title>{E(title)}: latest {Num(points[^1].Value)}, highest {Num(max)}, {points.Count} samples</title>")
            .Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{PlotHeight - Margin}\" x2=\"{PlotWidth - Margin}\" y2=\"{PlotHeight - Margin}\" stroke=\"#888\"/>")
            .Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{Margin}\" x2=\"{Margin}\" y2=\"{PlotHeight - Margin}\" stroke=\"#888\"/>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"2\" y=\"{Margin}\" font-size=\"11\">{Num(max)}</text><text x=\"2\" y=\"{PlotHeight - Margin}\" font-size=\"11\">{Num(min)}</text>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin}\" y=\"{PlotHeight - 8}\" font-size=\"11\">{start.UtcDateTime:HH:mm} UTC</text><text x=\"{PlotWidth - Margin - 60}\" y=\"{PlotHeight - 8}\" font-size=\"11\">{points[^1].At.UtcDateTime:HH:mm} UTC</text>")
            .Append("<polyline fill=\"none\" stroke=\"#1f4f8f\" stroke-width=\"2\" points=\"");
        foreach (var (at, v) in points)
        {
            svg.Append(CultureInfo.InvariantCulture, $"{X(at):0.#},{Y(v):0.#} ");
        }

        svg.Append("\"/></svg></figure>");
        return svg.ToString();
    }
}
