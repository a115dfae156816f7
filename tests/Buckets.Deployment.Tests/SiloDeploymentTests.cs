using Buckets.Deployment.Tests.Infrastructure;
using k8s.Models;

namespace Buckets.Deployment.Tests;

/// <summary>The silo Deployment carries what Orleans clustering and safe rollouts depend on.</summary>
public sealed class SiloDeploymentTests
{
    private static V1Deployment Deployment => Manifests.SiloDeployment;

    private static V1PodSpec Pod => Deployment.Spec.Template.Spec;

    private static V1Container Silo => Assert.Single(Pod.Containers);

    [Fact]
    public void Runs_three_replicas_of_the_server_image()
    {
        Assert.Equal(3, Deployment.Spec.Replicas);
        Assert.StartsWith("buckets/server:", Silo.Image, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orleans/serviceId", "Buckets__Hosting__ServiceId")]
    [InlineData("orleans/clusterId", "Buckets__Hosting__ClusterId")]
    public void Orleans_labels_match_the_configured_ids(string label, string configKey)
    {
        var expected = Manifests.Config.Data[configKey];

        Assert.Equal(expected, Deployment.Metadata.Labels[label]);
        Assert.Equal(expected, Deployment.Spec.Template.Metadata.Labels[label]);
    }

    [Theory]
    [InlineData("POD_NAME", "metadata.name")]
    [InlineData("POD_NAMESPACE", "metadata.namespace")]
    [InlineData("POD_IP", "status.podIP")]
    public void Pod_identity_comes_from_the_downward_api(string name, string fieldPath)
    {
        var env = Assert.Single(Silo.Env, e => e.Name == name);

        Assert.Equal(fieldPath, env.ValueFrom?.FieldRef?.FieldPath);
    }

    [Fact]
    public void Silo_advertises_its_pod_ip()
    {
        var env = Assert.Single(Silo.Env, e => e.Name == "Buckets__Hosting__AdvertisedAddress");

        Assert.Equal("$(POD_IP)", env.Value);
    }

    [Fact]
    public void Probes_use_healthz_for_liveness_and_startup_and_readyz_for_readiness()
    {
        Assert.Equal("/healthz", Silo.LivenessProbe?.HttpGet?.Path);
        Assert.Equal("/readyz", Silo.ReadinessProbe?.HttpGet?.Path);
        Assert.Equal("/healthz", Silo.StartupProbe?.HttpGet?.Path);
    }

    [Fact]
    public void Rollout_never_takes_a_silo_away_before_its_replacement_is_ready()
    {
        var rolling = Deployment.Spec.Strategy?.RollingUpdate;

        Assert.Equal("RollingUpdate", Deployment.Spec.Strategy?.Type);
        Assert.Equal("0", rolling?.MaxUnavailable?.Value);
        Assert.Equal("1", rolling?.MaxSurge?.Value);
    }

    [Fact]
    public void Grace_period_covers_the_prestop_sleep_and_the_host_shutdown_timeout()
    {
        var grace = Pod.TerminationGracePeriodSeconds ?? 30;
        var preStop = Silo.Lifecycle?.PreStop?.Sleep?.Seconds ?? 0;
        var shutdown = int.Parse(Manifests.Config.Data["shutdownTimeoutSeconds"], System.Globalization.CultureInfo.InvariantCulture);

        Assert.True(grace >= 30, $"terminationGracePeriodSeconds is {grace}");
        Assert.True(grace > preStop + shutdown, $"grace {grace}s must exceed preStop {preStop}s + shutdown {shutdown}s, or Orleans is killed mid-shutdown");
    }

    [Fact]
    public void Silos_spread_across_zones_and_nodes()
    {
        var spread = Pod.TopologySpreadConstraints ?? [];
        var workload = Manifests.Workload("Deployment/buckets-silo");

        Assert.Contains(spread, c => c.TopologyKey == "topology.kubernetes.io/zone");
        Assert.Contains(spread, c => c.TopologyKey == "kubernetes.io/hostname");
        Assert.All(spread, c => Assert.True(workload.Carries(c.LabelSelector?.MatchLabels), $"spread on {c.TopologyKey} selects no silo"));
    }

    [Fact]
    public void Orleans_silo_port_matches_the_configured_port()
    {
        var port = Assert.Single(Silo.Ports, p => p.Name == "silo");

        Assert.Equal(Manifests.Config.Data["Buckets__Hosting__SiloPort"], port.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Service_account_may_read_pods_in_its_namespace()
    {
        var account = Manifests.Named<V1ServiceAccount>(Pod.ServiceAccountName);
        var binding = Assert.Single(Manifests.OfType<V1RoleBinding>(), b => (b.Subjects ?? []).Any(s => s.Kind == "ServiceAccount" && s.Name == account.Metadata.Name));
        var role = Manifests.Named<V1Role>(binding.RoleRef.Name);

        Assert.Equal("Role", binding.RoleRef.Kind);
        var rule = Assert.Single(role.Rules, r => r.Resources.Contains("pods"));
        Assert.Equal(["get", "list", "watch"], rule.Verbs.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Disruption_budget_lets_only_one_silo_go_at_a_time()
    {
        var workload = Manifests.Workload("Deployment/buckets-silo");
        var budget = Assert.Single(Manifests.OfType<V1PodDisruptionBudget>(), b => workload.Carries(b.Spec.Selector?.MatchLabels));

        Assert.True(workload.Carries(budget.Spec.Selector?.MatchLabels), "the PodDisruptionBudget selects no silo");
        Assert.True(
            budget.Spec.MaxUnavailable?.Value == "1" || int.Parse(budget.Spec.MinAvailable?.Value ?? "0", System.Globalization.CultureInfo.InvariantCulture) >= (Deployment.Spec.Replicas ?? 1) - 1,
            "the budget must allow at most one silo down");
    }
}
