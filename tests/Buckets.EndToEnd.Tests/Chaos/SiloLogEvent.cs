using System.Globalization;
using System.Text.Json;

namespace Buckets.EndToEnd.Tests.Chaos;

/// <summary>
/// One line of a silo's JSON log (Serilog's compact format, <c>Buckets:Logging:Json=true</c>): when,
/// which silo, the message template and the properties as raw JSON text. Lines that are not such JSON
/// (a banner, a stack trace) are skipped by <see cref="Parse"/>.
/// </summary>
public sealed record SiloLogEvent(string Silo, DateTimeOffset At, string Template, IReadOnlyDictionary<string, string> Properties)
{
    /// <summary>The events of an output captured by <c>ServiceProcess</c> (each line prefixed <c>[name] </c>).</summary>
    public static IReadOnlyList<SiloLogEvent> Parse(string output)
    {
        var events = new List<SiloLogEvent>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var close = line.IndexOf("] {", StringComparison.Ordinal);
            if (!line.StartsWith('[') || close < 0)
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(line[(close + 2)..]);
                var root = json.RootElement;
                if (!root.TryGetProperty("@t", out var t) || !root.TryGetProperty("@mt", out var mt)
                    || !DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                {
                    continue;
                }

                var properties = root.EnumerateObject().Where(p => !p.Name.StartsWith('@'))
                    .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
                events.Add(new SiloLogEvent(line[1..close], at, mt.GetString() ?? "", properties));
            }
            catch (JsonException)
            {
                // Not a log event (a line of text that happens to hold "] {").
            }
        }

        return events;
    }

    public string Property(string name) => Properties.TryGetValue(name, out var value) ? value : "";

    /// <summary>Whether any property names the silo on <paramref name="siloPort"/> (Orleans writes a silo as <c>S127.0.0.1:port:generation</c>).</summary>
    public bool Names(int siloPort) => Properties.Values.Any(v => v.Contains(string.Create(CultureInfo.InvariantCulture, $":{siloPort}:"), StringComparison.Ordinal));
}
