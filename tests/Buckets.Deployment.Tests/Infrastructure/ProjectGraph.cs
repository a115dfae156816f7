using System.Xml.Linq;

namespace Buckets.Deployment.Tests.Infrastructure;

/// <summary>What <c>dotnet restore</c> of one project reads: its ProjectReference closure and the build files above them.</summary>
public static class ProjectGraph
{
    private static readonly string[] BuildFileNames =
    [
        "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config", ".editorconfig",
    ];

    /// <summary>Repository-relative paths of <paramref name="projectPath"/> and every project it references, transitively.</summary>
    public static IReadOnlySet<string> Closure(string projectPath)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([projectPath]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            var full = RepoPaths.Full(current);
            var directory = Path.GetDirectoryName(full)!;
            foreach (var reference in XDocument.Load(full).Descendants("ProjectReference"))
            {
                var include = reference.Attribute("Include")?.Value ?? throw new InvalidOperationException($"{current}: ProjectReference without Include");
                pending.Push(RepoPaths.Relative(Path.GetFullPath(Path.Combine(directory, include.Replace('\\', '/')))));
            }
        }

        return seen;
    }

    /// <summary>Build files (props, targets, global.json, NuGet config, .editorconfig) from each project's folder up to the root.</summary>
    public static IReadOnlySet<string> BuildFiles(IEnumerable<string> projects)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var project in projects)
        {
            for (var dir = new DirectoryInfo(Path.GetDirectoryName(RepoPaths.Full(project))!); dir is not null; dir = dir.Parent)
            {
                foreach (var name in BuildFileNames)
                {
                    var candidate = Path.Combine(dir.FullName, name);
                    if (File.Exists(candidate))
                    {
                        files.Add(RepoPaths.Relative(candidate));
                    }
                }

                if (string.Equals(dir.FullName.TrimEnd(Path.DirectorySeparatorChar), RepoPaths.Root.TrimEnd(Path.DirectorySeparatorChar), StringComparison.Ordinal))
                {
                    break;
                }
            }
        }

        return files;
    }
}
