using System.Text.RegularExpressions;
using Buckets.Deployment.Tests.Infrastructure;
using k8s.Models;

namespace Buckets.Deployment.Tests;

/// <summary>Every environment variable resolves to something defined in k8s/, and resolves to a string.</summary>
public sealed partial class ConfigurationReferenceTests
{
    public static TheoryData<string> WorkloadIds => [.. Manifests.Workloads.Select(w => w.Id)];

    public static TheoryData<string> ManifestFiles => [.. RepoPaths.ManifestFileNames];

    [Theory]
    [MemberData(nameof(WorkloadIds))]
    public void EnvFrom_and_valueFrom_refer_to_configmaps_and_secrets_defined_in_k8s(string id)
    {
        var problems = new List<string>();
        foreach (var container in Manifests.Workload(id).AllContainers)
        {
            foreach (var source in container.EnvFrom ?? [])
            {
                if (source.ConfigMapRef is { Optional: not true } configMap && ConfigMapKeys(configMap.Name) is null)
                {
                    problems.Add($"{container.Name}: envFrom ConfigMap '{configMap.Name}' is not defined in k8s/");
                }

                if (source.SecretRef is { Optional: not true } secret && SecretKeys(secret.Name) is null)
                {
                    problems.Add($"{container.Name}: envFrom Secret '{secret.Name}' is not defined in k8s/");
                }
            }

            foreach (var env in container.Env ?? [])
            {
                if (env.ValueFrom?.ConfigMapKeyRef is { Optional: not true } configMapKey && ConfigMapKeys(configMapKey.Name)?.Contains(configMapKey.Key) != true)
                {
                    problems.Add($"{container.Name}: env {env.Name} needs key '{configMapKey.Key}' of ConfigMap '{configMapKey.Name}'");
                }

                if (env.ValueFrom?.SecretKeyRef is { Optional: not true } secretKey && SecretKeys(secretKey.Name)?.Contains(secretKey.Key) != true)
                {
                    problems.Add($"{container.Name}: env {env.Name} needs key '{secretKey.Key}' of Secret '{secretKey.Name}'");
                }
            }
        }

        foreach (var volume in Manifests.Workload(id).Template.Spec.Volumes ?? [])
        {
            if (volume.ConfigMap is { Optional: not true } configMap && ConfigMapKeys(configMap.Name) is null)
            {
                problems.Add($"volume {volume.Name}: ConfigMap '{configMap.Name}' is not defined in k8s/");
            }

            if (volume.Secret is { Optional: not true } secret && SecretKeys(secret.SecretName) is null)
            {
                problems.Add($"volume {volume.Name}: Secret '{secret.SecretName}' is not defined in k8s/");
            }
        }

        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(WorkloadIds))]
    public void Variable_references_only_use_variables_defined_before_them(string id)
    {
        // Kubernetes leaves an unresolvable $(NAME) in place literally, so a misordered reference fails silently.
        var problems = new List<string>();
        foreach (var container in Manifests.Workload(id).AllContainers)
        {
            var defined = new HashSet<string>((container.EnvFrom ?? []).SelectMany(EnvFromNames), StringComparer.Ordinal);
            foreach (var env in container.Env ?? [])
            {
                foreach (Match reference in VariableReference().Matches(env.Value ?? ""))
                {
                    if (!defined.Contains(reference.Groups["name"].Value))
                    {
                        problems.Add($"{container.Name}: {env.Name} uses {reference.Value} before it is defined");
                    }
                }

                defined.Add(env.Name);
            }
        }

        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(WorkloadIds))]
    public void Listening_urls_use_a_declared_container_port(string id)
    {
        foreach (var container in Manifests.Workload(id).Template.Spec.Containers)
        {
            var env = EffectiveEnvironment(container);
            var declared = (container.Ports ?? []).Select(p => p.ContainerPort).ToHashSet();
            foreach (var key in new[] { "ASPNETCORE_URLS", "Urls" })
            {
                Assert.True(env.TryGetValue(key, out var urls), $"{container.Name}: {key} is not set");
                foreach (var url in urls!.Split(';', StringSplitOptions.RemoveEmptyEntries))
                {
                    var port = new Uri(url.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal)).Port;
                    Assert.True(declared.Contains(port), $"{container.Name}: {key} listens on {port}, which is not a container port");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(ManifestFiles))]
    public void String_values_are_written_so_the_api_server_reads_strings(string fileName)
    {
        var text = File.ReadAllText(Path.Combine(RepoPaths.K8sDirectory, fileName));

        Assert.Empty(YamlScalars.NonStringValues(text));
    }

    [Fact]
    public void Scalar_check_catches_unquoted_numbers_booleans_and_durations()
    {
        const string Yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  port: 8080\n  json: true\n  idle: 00:15:00\n  ok: \"8080\"\n  word: Cluster\n";

        var problems = YamlScalars.NonStringValues(Yaml).ToList();

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("data.port (line 6)", StringComparison.Ordinal));
    }

    private static HashSet<string>? ConfigMapKeys(string name) =>
        Manifests.OfType<V1ConfigMap>().FirstOrDefault(c => c.Metadata.Name == name) is { } map
            ? [.. (map.Data?.Keys ?? []).Concat(map.BinaryData?.Keys ?? [])]
            : null;

    private static HashSet<string>? SecretKeys(string name) =>
        Manifests.OfType<V1Secret>().FirstOrDefault(s => s.Metadata.Name == name) is { } secret
            ? [.. (secret.Data?.Keys ?? []).Concat(secret.StringData?.Keys ?? [])]
            : null;

    private static IEnumerable<string> EnvFromNames(V1EnvFromSource source)
    {
        var keys = source.ConfigMapRef is { } c ? ConfigMapKeys(c.Name) : source.SecretRef is { } s ? SecretKeys(s.Name) : null;
        return (keys ?? []).Select(key => (source.Prefix ?? "") + key);
    }

    /// <summary>Literal values a container sees: envFrom ConfigMaps first, then env entries override.</summary>
    private static Dictionary<string, string> EffectiveEnvironment(V1Container container)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in container.EnvFrom ?? [])
        {
            if (source.ConfigMapRef is { } configMap)
            {
                foreach (var (key, value) in Manifests.Named<V1ConfigMap>(configMap.Name).Data ?? new Dictionary<string, string>())
                {
                    env[(source.Prefix ?? "") + key] = value;
                }
            }
        }

        foreach (var entry in (container.Env ?? []).Where(e => e.Value is not null))
        {
            env[entry.Name] = entry.Value;
        }

        return env;
    }

    [GeneratedRegex(@"(?<!\$)\$\((?<name>[A-Za-z_][A-Za-z0-9_.-]*)\)")]
    private static partial Regex VariableReference();
}
