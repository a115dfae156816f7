using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Buckets.Deployment.Tests.Infrastructure;

/// <summary>
/// Finds string-typed values that YAML would read as something else. The strict loader converts them back to strings,
/// but the API server does not: <c>data: {port: 8080}</c> is rejected, <c>value: true</c> in an env entry too.
/// </summary>
public static partial class YamlScalars
{
    /// <summary>Unquoted ConfigMap/Secret data values and env values that resolve to null, bool or a number, with their lines.</summary>
    public static IEnumerable<string> NonStringValues(string yaml)
    {
        var stream = new YamlStream();
        using (var reader = new StringReader(yaml))
        {
            stream.Load(reader);
        }

        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root)
            {
                continue;
            }

            var kind = Scalar(root, "kind");
            if (kind is "ConfigMap" or "Secret")
            {
                foreach (var section in new[] { "data", "stringData" })
                {
                    if (Child(root, section) is YamlMappingNode values)
                    {
                        foreach (var (key, value) in values.Children)
                        {
                            if (Describe(value) is { } problem)
                            {
                                yield return $"{kind} {section}.{key} (line {value.Start.Line}): {problem}";
                            }
                        }
                    }
                }
            }

            foreach (var problem in EnvValues(root))
            {
                yield return problem;
            }
        }
    }

    private static IEnumerable<string> EnvValues(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    if (key is YamlScalarNode { Value: "env" } && value is YamlSequenceNode entries)
                    {
                        foreach (var entry in entries.OfType<YamlMappingNode>())
                        {
                            if (Child(entry, "value") is { } envValue && Describe(envValue) is { } problem)
                            {
                                yield return $"env {Scalar(entry, "name")} (line {envValue.Start.Line}): {problem}";
                            }
                        }
                    }

                    foreach (var problem in EnvValues(value))
                    {
                        yield return problem;
                    }
                }

                break;
            case YamlSequenceNode sequence:
                foreach (var problem in sequence.SelectMany(EnvValues))
                {
                    yield return problem;
                }

                break;
            default:
                break;
        }
    }

    private static string? Describe(YamlNode node)
    {
        if (node is not YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar)
        {
            return node is YamlScalarNode ? null : "is not a scalar";
        }

        var text = scalar.Value ?? "";
        return NullPattern().IsMatch(text) ? $"'{text}' reads as null; quote it"
            : BoolPattern().IsMatch(text) ? $"'{text}' reads as a boolean; quote it"
            : NumberPattern().IsMatch(text) ? $"'{text}' reads as a number; quote it"
            : null;
    }

    private static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string? Scalar(YamlMappingNode mapping, string key) => (Child(mapping, key) as YamlScalarNode)?.Value;

    [GeneratedRegex("^(|~|null|Null|NULL)$")]
    private static partial Regex NullPattern();

    // YAML 1.1 booleans included: Kubernetes' Go YAML reader still honours yes/no/on/off.
    [GeneratedRegex("^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")]
    private static partial Regex BoolPattern();

    // Decimal, octal, hex, binary, floats, .inf/.nan and YAML 1.1 base-60 (00:15:00 is an integer there).
    [GeneratedRegex(@"^([-+]?(0|[1-9][0-9_]*|0[0-7_]+|0o[0-7]+|0x[0-9a-fA-F_]+|0b[01_]+)|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?)$")]
    private static partial Regex NumberPattern();
}
