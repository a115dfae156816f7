using Buckets.Deployment.Tests.Infrastructure;
using k8s.Models;
using YamlDotNet.RepresentationModel;

namespace Buckets.Deployment.Tests;

/// <summary><c>kubectl apply -k k8s</c> deploys exactly the files in k8s/, into the buckets namespace.</summary>
public sealed class KustomizationTests
{
    private const string Namespace = "buckets";

    private static readonly YamlMappingNode Root = LoadKustomization();

    [Fact]
    public void Kustomization_lists_every_manifest_exactly_once_and_nothing_else()
    {
        var listed = Sequence("resources");

        Assert.Equal(listed.Count, listed.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(listed, name => !File.Exists(Path.Combine(RepoPaths.K8sDirectory, name)));
        Assert.Equal(RepoPaths.ManifestFileNames, listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Kustomization_targets_the_buckets_namespace_which_it_also_creates()
    {
        Assert.Equal(Namespace, ((YamlScalarNode)Root.Children[new YamlScalarNode("namespace")]).Value);
        Assert.Equal(Namespace, Manifests.OfType<V1Namespace>().Single().Metadata.Name);
    }

    [Fact]
    public void No_manifest_names_another_namespace()
    {
        var elsewhere = Manifests.All
            .Where(r => r.Resource is not V1Namespace && r.Resource.Metadata.NamespaceProperty is { } ns && ns != Namespace);

        Assert.Empty(elsewhere);
    }

    [Fact]
    public void Role_binding_subjects_live_in_the_buckets_namespace()
    {
        var subjects = Manifests.OfType<V1RoleBinding>().SelectMany(b => b.Subjects ?? []).Where(s => s.Kind == "ServiceAccount");

        Assert.All(subjects, s => Assert.Equal(Namespace, s.NamespaceProperty));
    }

    private static List<string> Sequence(string key) =>
        [.. ((YamlSequenceNode)Root.Children[new YamlScalarNode(key)]).Children.Cast<YamlScalarNode>().Select(n => n.Value ?? "")];

    private static YamlMappingNode LoadKustomization()
    {
        var stream = new YamlStream();
        using var reader = new StringReader(File.ReadAllText(Path.Combine(RepoPaths.K8sDirectory, RepoPaths.KustomizationFileName)));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents.Single().RootNode;
    }
}
