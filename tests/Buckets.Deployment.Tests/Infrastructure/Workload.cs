using k8s.Models;

namespace Buckets.Deployment.Tests.Infrastructure;

/// <summary>A Deployment or StatefulSet reduced to what the cross-resource checks need.</summary>
public sealed record Workload(string Id, V1LabelSelector Selector, V1PodTemplateSpec Template)
{
    public IDictionary<string, string> Labels => Template.Metadata?.Labels ?? new Dictionary<string, string>();

    public IEnumerable<V1Container> AllContainers =>
        (Template.Spec.InitContainers ?? []).Concat(Template.Spec.Containers ?? []);

    /// <summary>True when every key/value of <paramref name="selector"/> is among the pod labels.</summary>
    public bool Carries(IDictionary<string, string>? selector) =>
        selector is { Count: > 0 } && selector.All(pair => Labels.TryGetValue(pair.Key, out var value) && value == pair.Value);

    public override string ToString() => Id;
}
