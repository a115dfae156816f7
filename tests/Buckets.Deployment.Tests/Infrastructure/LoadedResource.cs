using k8s;

namespace Buckets.Deployment.Tests.Infrastructure;

/// <summary>One Kubernetes object and the k8s/ file it was read from.</summary>
public sealed record LoadedResource(string FileName, IKubernetesObject<k8s.Models.V1ObjectMeta> Resource)
{
    public string Name => Resource.Metadata.Name;

    public override string ToString() => $"{Resource.Kind} {Name} ({FileName})";
}
