namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>Finds built executables of the repository, in the configuration these tests were built in.</summary>
public static class RepoPaths
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    public static string Root { get; } = FindRoot();

    public static string Assembly(string projectFolder, string name) =>
        Path.Combine(Root, projectFolder, "bin", Configuration, "net10.0", name + ".dll");

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
