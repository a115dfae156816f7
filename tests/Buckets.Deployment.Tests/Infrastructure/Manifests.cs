using k8s;
using k8s.Models;

namespace Buckets.Deployment.Tests.Infrastructure;

/// <summary>Every object in k8s/, loaded strictly once and shared by the invariant tests.</summary>
public static class Manifests
{
    private static readonly Lazy<IReadOnlyList<LoadedResource>> Loaded = new(LoadAll);

    public static IReadOnlyList<LoadedResource> All => Loaded.Value;

    /// <summary>Parses YAML the way these tests require: unknown fields and unknown kinds are errors.</summary>
    public static List<object> LoadStrict(string yaml) => KubernetesYaml.LoadAllFromString(yaml, null, strict: true);

    public static IEnumerable<T> OfType<T>()
        where T : class => All.Select(r => r.Resource).OfType<T>();

    public static T Named<T>(string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var matches = OfType<T>().Where(r => r.Metadata.Name == name).ToList();
        Assert.True(matches.Count == 1, $"expected exactly one {typeof(T).Name} named '{name}' in k8s/, found {matches.Count}");
        return matches[0];
    }

    public static V1Deployment SiloDeployment => Named<V1Deployment>("buckets-silo");

    public static V1StatefulSet BackupStatefulSet => Named<V1StatefulSet>("buckets-backup");

    public static V1ConfigMap Config => Named<V1ConfigMap>("buckets-config");

    /// <summary>Pod templates of every workload, with a label for messages.</summary>
    public static IEnumerable<Workload> Workloads =>
        OfType<V1Deployment>().Select(d => new Workload($"Deployment/{d.Metadata.Name}", d.Spec.Selector, d.Spec.Template))
            .Concat(OfType<V1StatefulSet>().Select(s => new Workload($"StatefulSet/{s.Metadata.Name}", s.Spec.Selector, s.Spec.Template)));

    public static Workload Workload(string id) => Workloads.Single(w => w.Id == id);

    private static List<LoadedResource> LoadAll()
    {
        var loaded = new List<LoadedResource>();
        foreach (var fileName in RepoPaths.ManifestFileNames)
        {
            var text = File.ReadAllText(Path.Combine(RepoPaths.K8sDirectory, fileName));
            foreach (var resource in LoadStrict(text))
            {
                if (resource is not IKubernetesObject<V1ObjectMeta> typed)
                {
                    throw new InvalidOperationException($"{fileName}: {resource.GetType().Name} has no metadata");
                }

                loaded.Add(new LoadedResource(fileName, typed));
            }
        }

        return loaded;
    }
}
