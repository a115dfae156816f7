namespace Buckets.Deployment.Tests.Infrastructure;

/// <summary>An image the manifests run, and how the repository builds it.</summary>
/// <param name="Image">Image name used in k8s/, without tag.</param>
/// <param name="Dockerfile">Repository-relative Dockerfile (build context: repository root).</param>
/// <param name="Project">Repository-relative project the Dockerfile publishes.</param>
/// <param name="EntryAssembly">DLL the runtime stage starts with <c>dotnet</c>.</param>
public sealed record ImageDefinition(string Image, string Dockerfile, string Project, string EntryAssembly)
{
    public static IReadOnlyList<ImageDefinition> All { get; } =
    [
        new("buckets/server", "src/Buckets.Server/Dockerfile", "src/Buckets.Server/Buckets.Server.csproj", "Buckets.Server.dll"),
        new("buckets/backup-server", "backup-server/Buckets.BackupServer/Dockerfile", "backup-server/Buckets.BackupServer/Buckets.BackupServer.csproj", "Buckets.BackupServer.dll"),
    ];

    public static ImageDefinition For(string image) => All.Single(i => i.Image == image);
}
