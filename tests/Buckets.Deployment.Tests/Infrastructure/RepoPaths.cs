namespace Buckets.Deployment.Tests.Infrastructure;

/// <summary>Locates the repository and the deployment files these tests read.</summary>
public static class RepoPaths
{
    public const string KustomizationFileName = "kustomization.yaml";

    public static string Root { get; } = FindRoot();

    public static string K8sDirectory => Path.Combine(Root, "k8s");

    /// <summary>File names (not paths) of every manifest under k8s/, excluding the kustomization.</summary>
    public static IReadOnlyList<string> ManifestFileNames =>
        [.. Directory.EnumerateFiles(K8sDirectory)
            .Where(path => path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Where(name => !string.Equals(name, KustomizationFileName, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)];

    /// <summary>Absolute path of a repository-relative path written with forward slashes.</summary>
    public static string Full(string relativePath) => Path.GetFullPath(Path.Combine(Root, relativePath));

    /// <summary>Repository-relative path with forward slashes.</summary>
    public static string Relative(string fullPath) => Path.GetRelativePath(Root, fullPath).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Buckets.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Buckets.sln not found above " + AppContext.BaseDirectory);
    }
}
