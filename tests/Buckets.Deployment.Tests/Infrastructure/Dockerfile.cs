using System.Text;
using System.Text.Json;

namespace Buckets.Deployment.Tests.Infrastructure;

/// <summary>Just enough of a Dockerfile parser to check structure without a container engine.</summary>
public sealed class Dockerfile
{
    private Dockerfile(string relativePath, IReadOnlyList<DockerInstruction> instructions)
    {
        RelativePath = relativePath;
        Instructions = instructions;
    }

    public string RelativePath { get; }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public IReadOnlyList<DockerInstruction> Stages => [.. Instructions.Where(i => i.Keyword == "FROM")];

    public int FinalStage => Stages.Count - 1;

    public IEnumerable<DockerInstruction> InStage(int stage) => Instructions.Where(i => i.Stage == stage);

    public static Dockerfile Load(string relativePath) => Parse(relativePath, File.ReadAllText(RepoPaths.Full(relativePath)));

    public static Dockerfile Parse(string relativePath, string text)
    {
        var instructions = new List<DockerInstruction>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        var stage = -1;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var start = i;
            var joined = new StringBuilder();
            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                joined.Append(line[..^1]).Append(' ');
                line = lines[++i].Trim();
            }

            joined.Append(line);
            var full = joined.ToString().Trim();
            var space = full.IndexOf(' ', StringComparison.Ordinal);
            var keyword = (space < 0 ? full : full[..space]).ToUpperInvariant();
            var arguments = space < 0 ? "" : full[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                stage++;
            }

            instructions.Add(new DockerInstruction(keyword, arguments, start + 1, stage));
        }

        return new Dockerfile(relativePath, instructions);
    }

    public IEnumerable<DockerCopy> Copies(int stage) =>
        InStage(stage).Where(i => i.Keyword is "COPY" or "ADD").Select(ParseCopy);

    /// <summary>Image reference of a FROM instruction as written, without "AS name" (may name an ARG).</summary>
    public static string BaseImage(DockerInstruction from)
    {
        var words = from.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToList();
        return words[0];
    }

    /// <summary>Defaults of the ARGs declared before the first FROM, the only ones a FROM line can use.</summary>
    public IReadOnlyDictionary<string, string> GlobalArguments =>
        Instructions.Where(i => i.Stage < 0 && i.Keyword == "ARG")
            .Select(i => i.Arguments.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts.Length > 1 ? parts[1] : "", StringComparer.Ordinal);

    /// <summary>The image a FROM pulls when no build argument is given: <c>${NAME}</c> replaced by its default.</summary>
    public string DefaultBaseImage(DockerInstruction from)
    {
        var image = BaseImage(from);
        foreach (var (name, value) in GlobalArguments)
        {
            image = image.Replace("${" + name + "}", value, StringComparison.Ordinal).Replace("$" + name, value, StringComparison.Ordinal);
        }

        return image;
    }

    private static DockerCopy ParseCopy(DockerInstruction instruction)
    {
        var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var flags = words.TakeWhile(w => w.StartsWith("--", StringComparison.Ordinal)).ToList();
        var rest = string.Join(' ', words.Skip(flags.Count));
        var paths = rest.StartsWith('[')
            ? JsonSerializer.Deserialize<List<string>>(rest) ?? []
            : [.. rest.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        return new DockerCopy(instruction, flags, paths[..^1], paths[^1]);
    }
}
