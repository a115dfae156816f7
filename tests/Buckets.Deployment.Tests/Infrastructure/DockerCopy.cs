namespace Buckets.Deployment.Tests.Infrastructure;

/// <summary>A COPY instruction split into flags, sources and destination.</summary>
public sealed record DockerCopy(DockerInstruction Instruction, IReadOnlyList<string> Flags, IReadOnlyList<string> Sources, string Destination)
{
    public bool FromOtherStage => Flags.Any(f => f.StartsWith("--from", StringComparison.Ordinal));

    /// <summary>Where <paramref name="source"/> lands relative to the working directory (forward slashes, no leading ./).</summary>
    public string Landing(string source)
    {
        var destination = Destination.StartsWith("./", StringComparison.Ordinal) ? Destination[2..] : Destination;
        var intoDirectory = Sources.Count > 1 || destination.Length == 0 || destination == "." || destination.EndsWith('/');
        if (!intoDirectory)
        {
            return destination;
        }

        var directory = destination is "." or "" ? "" : destination.TrimEnd('/') + "/";
        return directory + Path.GetFileName(source.TrimEnd('/'));
    }
}
