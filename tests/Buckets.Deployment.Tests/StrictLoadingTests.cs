using Buckets.Deployment.Tests.Infrastructure;
using k8s;
using k8s.Models;
using YamlDotNet.Core;

namespace Buckets.Deployment.Tests;

/// <summary>Every manifest parses against the Kubernetes model with unknown fields rejected.</summary>
public sealed class StrictLoadingTests
{
    public static TheoryData<string> ManifestFiles => [.. RepoPaths.ManifestFileNames];

    /// <summary>Typos at different depths: (yaml, misspelled field, model type that lacks it, line of the typo).</summary>
    public static TheoryData<string, string, string, int> Typos => new()
    {
        { Deployment("replicaz: 3", "containers:\n        - name: app\n          image: app:1"), "replicaz", nameof(V1DeploymentSpec), 6 },
        { Deployment("replicas: 3", "containers:\n        - name: app\n          imagePullPolicyy: Always"), "imagePullPolicyy", nameof(V1Container), 15 },
        { Deployment("replicas: 3", "terminationGracePeriod: 60\n      containers: []"), "terminationGracePeriod", nameof(V1PodSpec), 13 },
    };

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void Manifest_loads_strictly(string fileName)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.K8sDirectory, fileName));

        List<object> objects;
        try
        {
            objects = Manifests.LoadStrict(text);
        }
        catch (YamlException ex)
        {
            Assert.Fail($"{fileName}:{ex.Start.Line}: {Describe(ex)}");
            throw;
        }

        Assert.NotEmpty(objects);
        foreach (var item in objects)
        {
            var resource = Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(item);
            Assert.False(string.IsNullOrEmpty(resource.Metadata?.Name), $"{fileName}: a {resource.Kind} has no metadata.name");
        }
    }

    [Fact]
    public void Every_file_but_rbac_holds_one_resource()
    {
        var perFile = Manifests.All.GroupBy(r => r.FileName).Where(g => g.Key != "rbac.yaml");

        Assert.All(perFile, group => Assert.True(group.Count() == 1, $"{group.Key} holds {group.Count()} resources; keep one per file"));
    }

    [Theory]
    [MemberData(nameof(Typos))]
    public void Strict_loading_rejects_a_misspelled_field_naming_type_and_line(string yaml, string field, string type, int line)
    {
        var ex = Assert.ThrowsAny<YamlException>(() => Manifests.LoadStrict(yaml));

        var message = Describe(ex);
        Assert.Contains($"'{field}'", message, StringComparison.Ordinal);
        Assert.Contains(type, message, StringComparison.Ordinal);
        Assert.Equal(line, ex.Start.Line);
    }

    [Fact]
    public void Lenient_loading_would_silently_drop_the_same_typo()
    {
        var yaml = Deployment("replicaz: 3", "containers: []");

        var deployment = Assert.IsType<V1Deployment>(Assert.Single(KubernetesYaml.LoadAllFromString(yaml)));

        Assert.Null(deployment.Spec.Replicas);
    }

    [Fact]
    public void Strict_loading_rejects_an_unknown_kind()
    {
        const string Yaml = "apiVersion: apps/v1\nkind: Deploymnet\nmetadata:\n  name: x\n";

        Assert.ThrowsAny<KeyNotFoundException>(() => Manifests.LoadStrict(Yaml));
    }

    private static string Deployment(string replicasLine, string podSpecBody) => $"""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: typo
        spec:
          {replicasLine}
          selector:
            matchLabels: {"{"}app: typo{"}"}
          template:
            metadata:
              labels: {"{"}app: typo{"}"}
            spec:
              {podSpecBody}
        """;

    private static string Describe(Exception ex) =>
        ex.InnerException is null ? ex.Message : ex.Message + " -> " + Describe(ex.InnerException);
}
