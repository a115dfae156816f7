using System.Globalization;

namespace Buckets.Benchmarks.Tools;

/// <summary>Minimal <c>--name value</c> options of the helper tools.</summary>
public sealed class ToolArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public ToolArgs(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"Expected '--name value' pairs; got '{args[i]}'.", nameof(args));
            }

            _values[args[i][2..]] = args[++i];
        }
    }

    public string Text(string name, string? fallback = null) =>
        _values.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required.", nameof(name));

    public string? Optional(string name) => _values.GetValueOrDefault(name);

    public int Number(string name, int fallback) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture) : fallback;
}
