using System.Text.RegularExpressions;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What the default (human) log of a start and a few requests may hold: information only from the
/// host's lifetime and from Buckets itself (a library's chatter, such as Polly's two lines per grain
/// placement, is not), warnings and errors with their exception text but none that is known to
/// mislead, and no stray text (a native library's complaint) outside the development banner.
/// </summary>
public static partial class LogLines
{
    // Categories whose information lines an operator reads: where the program listens, that it
    // started and stops, and what Buckets itself reports.
    private static readonly string[] InformationCategories = ["Microsoft.Hosting.Lifetime", "Buckets"];

    // Warnings about settings the program handles on purpose (it listens on Urls itself; the images
    // clear HTTP_PORTS): shown at every start, they would send an operator looking for a fault.
    private static readonly string[] MisleadingWarnings = ["Overriding HTTP_PORTS", "Overriding address(es)"];

    // The development profile prints its address and admin token to the console, never to a log sink.
    private static readonly string[] BannerLines = ["Buckets (development profile) is listening on", "Admin token: ", "(kept in "];

    /// <summary>
    /// Asserts every line of <paramref name="log"/> (each may carry a <c>[name] </c> prefix) is one a user
    /// wants to read; the failure lists the others.
    /// </summary>
    public static void AssertReadable(string log)
    {
        var unwanted = new List<string>();
        var inProblem = false;
        foreach (var raw in log.Split('\n'))
        {
            var line = Prefix().Replace(raw.TrimEnd('\r'), "");
            if (line.Length == 0)
            {
                continue;
            }

            if (Header().Match(line) is { Success: true } header)
            {
                var level = header.Groups["level"].Value;
                var message = header.Groups["message"].Value;
                inProblem = level is "WRN" or "ERR" or "FTL";
                var wanted = inProblem
                    ? !MisleadingWarnings.Any(w => message.StartsWith(w, StringComparison.Ordinal))
                    : InformationCategories.Any(c => header.Groups["category"].Value == c || header.Groups["category"].Value.StartsWith(c + ".", StringComparison.Ordinal));
                if (!wanted)
                {
                    unwanted.Add(raw);
                }
            }
            else if (!(inProblem && ExceptionText().IsMatch(line)) && !BannerLines.Any(b => line.TrimStart().StartsWith(b, StringComparison.Ordinal)))
            {
                unwanted.Add(raw);
            }
        }

        Assert.True(unwanted.Count == 0, $"{unwanted.Count} log lines a user would not want to read:{Environment.NewLine}{string.Join(Environment.NewLine, unwanted)}");
    }

    // "[silo0] " in front of a line gathered from several programs.
    [GeneratedRegex(@"^\[[A-Za-z0-9-]+\] ")]
    private static partial Regex Prefix();

    // "[13:18:44 INF] Microsoft.Hosting.Lifetime: Now listening on: ...".
    [GeneratedRegex(@"^\[\d{2}:\d{2}:\d{2} (?<level>[A-Z]{3})\] (?<category>[^:\s]+): (?<message>.*)$")]
    private static partial Regex Header();

    // An exception under a warning or error: its type and message, inner-exception and stack lines.
    [GeneratedRegex(@"^(\s|---|[\w.`]+(Exception|Error)\b)")]
    private static partial Regex ExceptionText();
}
