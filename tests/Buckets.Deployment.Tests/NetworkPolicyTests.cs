using System.Globalization;
using Buckets.Deployment.Tests.Infrastructure;
using k8s.Models;

namespace Buckets.Deployment.Tests;

/// <summary>
/// The NetworkPolicies evaluated offline the way the API server's model defines them: ingress is
/// denied by default, and each workload port admits exactly the peers the trust model names.
/// </summary>
public sealed class NetworkPolicyTests
{
    private const string Anyone = "anyone";
    private const string Silo = "Deployment/buckets-silo";
    private const string Backup = "StatefulSet/buckets-backup";

    public static TheoryData<string> PolicyNames => [.. Policies.Select(p => p.Metadata.Name)];

    /// <summary>(workload, container port name, who may connect): every declared port of every workload is listed.</summary>
    public static TheoryData<string, string, string> Access => new()
    {
        { Silo, "http", Anyone },
        { Silo, "silo", Silo },
        { Silo, "internal", $"{Silo}, {Backup}" },
        { Backup, "http", Anyone },
        { Backup, "internal", $"{Silo}, {Backup}" },
    };

    private static IEnumerable<V1NetworkPolicy> Policies => Manifests.OfType<V1NetworkPolicy>();

    [Fact]
    public void TheNamespaceDeniesAllIngressThatNoPolicyAdmits()
    {
        var denyAll = Assert.Single(Policies, p => SelectsEveryPod(p.Spec.PodSelector));

        Assert.Equal(["Ingress"], denyAll.Spec.PolicyTypes);
        Assert.Empty(denyAll.Spec.Ingress ?? []);
    }

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public void EveryPolicyIsWrittenInTheFormTheseChecksEvaluate(string name)
    {
        var policy = Manifests.Named<V1NetworkPolicy>(name);
        var peers = (policy.Spec.Ingress ?? []).SelectMany(r => r.FromProperty ?? []).ToList();

        Assert.Null(policy.Spec.PodSelector.MatchExpressions);
        Assert.Contains("Ingress", policy.Spec.PolicyTypes ?? []);
        Assert.All(peers, peer => Assert.True(
            peer.PodSelector?.MatchLabels is { Count: > 0 } && peer.PodSelector.MatchExpressions is null && peer.NamespaceSelector is null && peer.IpBlock is null,
            $"{name}: every peer must be a podSelector with matchLabels in this namespace"));
        Assert.All((policy.Spec.Ingress ?? []).SelectMany(r => r.Ports ?? []), port => Assert.Null(port.EndPort));
    }

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public void EveryPolicySelectsAWorkloadAndEveryPeerSelectorMatchesOne(string name)
    {
        var policy = Manifests.Named<V1NetworkPolicy>(name);

        Assert.NotEmpty(Selected(policy));
        foreach (var peer in (policy.Spec.Ingress ?? []).SelectMany(r => r.FromProperty ?? []))
        {
            Assert.True(Manifests.Workloads.Any(w => w.Carries(peer.PodSelector?.MatchLabels)), $"{name}: peer selector {Describe(peer.PodSelector)} matches no workload's pod labels");
        }
    }

    [Theory]
    [MemberData(nameof(PolicyNames))]
    public void EveryPortAPolicyAdmitsIsDeclaredOnEverySelectedWorkload(string name)
    {
        var policy = Manifests.Named<V1NetworkPolicy>(name);

        foreach (var workload in Selected(policy))
        {
            foreach (var port in (policy.Spec.Ingress ?? []).SelectMany(r => r.Ports ?? []))
            {
                Assert.True(ContainerPort(workload, port.Port?.Value) is not null, $"{name}: port {port.Port?.Value} is no container port of {workload}");
                Assert.Equal("TCP", port.Protocol ?? "TCP");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Access))]
    public void EachPortAdmitsExactlyTheIntendedPeers(string workloadId, string portName, string expected)
    {
        var workload = Manifests.Workload(workloadId);
        var port = Assert.Single(workload.AllContainers.SelectMany(c => c.Ports ?? []), p => p.Name == portName);

        Assert.Equal(expected, Admitted(workload, port));
    }

    [Fact]
    public void TheAccessTableCoversEveryDeclaredPort()
    {
        var declared = Manifests.Workloads.SelectMany(w => w.AllContainers.SelectMany(c => c.Ports ?? []).Select(p => $"{w.Id}:{p.Name}")).Order(StringComparer.Ordinal);
        var listed = Access.Select(row => $"{row.Data.Item1}:{row.Data.Item2}").Order(StringComparer.Ordinal);

        Assert.Equal(listed, declared);
    }

    [Fact]
    public void SilosReachTheBackupServersOnAPortTheBackupPolicyAdmitsThemOn()
    {
        var url = new Uri(Manifests.Config.Data["Buckets__Backup__Servers__0"]);
        var service = Manifests.Named<V1Service>(url.Host.Split('.')[1]);
        var servicePort = Assert.Single(service.Spec.Ports, p => p.Port == url.Port);
        var backup = Manifests.Workload(Backup);
        var target = ContainerPort(backup, servicePort.TargetPort?.Value ?? servicePort.Port.ToString(CultureInfo.InvariantCulture));

        Assert.NotNull(target);
        Assert.Equal("internal", target.Name);
        Assert.Contains(Silo, Admitted(backup, target), StringComparison.Ordinal);
    }

    /// <summary>"anyone", or the workloads (sorted, comma-separated) whose pods the policies admit; "nobody" when none.</summary>
    private static string Admitted(Workload workload, V1ContainerPort port)
    {
        var sources = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var policy in Policies.Where(p => SelectsEveryPod(p.Spec.PodSelector) || workload.Carries(p.Spec.PodSelector.MatchLabels)))
        {
            foreach (var rule in policy.Spec.Ingress ?? [])
            {
                var coversPort = rule.Ports is not { Count: > 0 } || rule.Ports.Any(p => ContainerPort(workload, p.Port?.Value)?.ContainerPort == port.ContainerPort);
                if (!coversPort)
                {
                    continue;
                }

                if (rule.FromProperty is not { Count: > 0 })
                {
                    return Anyone;
                }

                foreach (var peer in rule.FromProperty)
                {
                    sources.UnionWith(Manifests.Workloads.Where(w => w.Carries(peer.PodSelector?.MatchLabels)).Select(w => w.Id));
                }
            }
        }

        return sources.Count == 0 ? "nobody" : string.Join(", ", sources);
    }

    private static List<Workload> Selected(V1NetworkPolicy policy) =>
        [.. Manifests.Workloads.Where(w => SelectsEveryPod(policy.Spec.PodSelector) || w.Carries(policy.Spec.PodSelector.MatchLabels))];

    private static bool SelectsEveryPod(V1LabelSelector selector) =>
        selector.MatchLabels is not { Count: > 0 } && selector.MatchExpressions is not { Count: > 0 };

    /// <summary>The container port a policy or Service names, by name or by number.</summary>
    private static V1ContainerPort? ContainerPort(Workload workload, string? port) =>
        port is null
            ? null
            : workload.AllContainers.SelectMany(c => c.Ports ?? [])
                .FirstOrDefault(p => p.Name == port || p.ContainerPort.ToString(CultureInfo.InvariantCulture) == port);

    private static string Describe(V1LabelSelector? selector) =>
        selector?.MatchLabels is null ? "{}" : string.Join(", ", selector.MatchLabels.Select(l => $"{l.Key}={l.Value}"));
}
