using Buckets.Deployment.Tests.Infrastructure;
using k8s.Models;

namespace Buckets.Deployment.Tests;

/// <summary>The backup server keeps its data on a claim that survives pod and StatefulSet changes.</summary>
public sealed class BackupStatefulSetTests
{
    private const string DataDirectory = "/var/lib/buckets-backup";

    private static V1StatefulSet StatefulSet => Manifests.BackupStatefulSet;

    private static V1Container Server => Assert.Single(StatefulSet.Spec.Template.Spec.Containers);

    [Fact]
    public void Runs_three_replicas_of_the_backup_image()
    {
        Assert.Equal(3, StatefulSet.Spec.Replicas);
        Assert.StartsWith("buckets/backup-server:", Server.Image, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_server_gets_the_same_list_as_the_silos_and_names_itself_from_its_pod()
    {
        var own = Server.Env.Where(e => e.Name.StartsWith("Backup__Cluster__Servers__", StringComparison.Ordinal)).OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => e.Value);
        var silos = Manifests.Config.Data.Where(e => e.Key.StartsWith("Buckets__Backup__Servers__", StringComparison.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value);
        Assert.Equal(silos, own);

        var podName = Assert.Single(Server.Env, e => e.Name == "POD_NAME");
        Assert.Equal("metadata.name", podName.ValueFrom?.FieldRef?.FieldPath);
        var self = Assert.Single(Server.Env, e => e.Name == "Backup__Cluster__Self").Value;
        var names = Enumerable.Range(0, StatefulSet.Spec.Replicas ?? 0).Select(i => $"{StatefulSet.Metadata.Name}-{i}");
        Assert.All(names, name => Assert.Contains(self.Replace("$(POD_NAME)", name, StringComparison.Ordinal), own));
    }

    [Fact]
    public void Replicas_share_no_node_nor_zone_and_only_one_may_be_disrupted_at_a_time()
    {
        var spec = StatefulSet.Spec.Template.Spec;
        var workload = Manifests.Workload("StatefulSet/buckets-backup");
        var antiAffinity = Assert.Single(spec.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
        Assert.Equal("kubernetes.io/hostname", antiAffinity.TopologyKey);
        Assert.True(workload.Carries(antiAffinity.LabelSelector.MatchLabels));
        var spread = Assert.Single(spec.TopologySpreadConstraints);
        Assert.Equal(("topology.kubernetes.io/zone", 1, "DoNotSchedule"), (spread.TopologyKey, spread.MaxSkew, spread.WhenUnsatisfiable));
        Assert.True(workload.Carries(spread.LabelSelector.MatchLabels));

        var budget = Assert.Single(Manifests.OfType<V1PodDisruptionBudget>(), b => workload.Carries(b.Spec.Selector?.MatchLabels));
        Assert.Equal("1", budget.Spec.MaxUnavailable?.Value);
    }

    [Fact]
    public void Volume_claim_template_is_mounted_at_the_data_directory()
    {
        var claim = Assert.Single(StatefulSet.Spec.VolumeClaimTemplates);
        var mount = Assert.Single(Server.VolumeMounts, m => m.Name == claim.Metadata.Name);

        Assert.Equal(DataDirectory, mount.MountPath);
        Assert.Equal(DataDirectory, Assert.Single(Server.Env, e => e.Name == "Backup__Store__DataDirectory").Value);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.Equal(10m * 1024 * 1024 * 1024, claim.Spec.Resources.Requests["storage"].ToDecimal());
    }

    [Fact]
    public void Deleting_or_scaling_the_statefulset_keeps_the_data()
    {
        Assert.Equal("Retain", StatefulSet.Spec.PersistentVolumeClaimRetentionPolicy?.WhenDeleted);
        Assert.Equal("Retain", StatefulSet.Spec.PersistentVolumeClaimRetentionPolicy?.WhenScaled);
    }

    [Fact]
    public void Probes_use_healthz_and_readyz_and_termination_is_graceful()
    {
        Assert.Equal("/healthz", Server.LivenessProbe?.HttpGet?.Path);
        Assert.Equal("/readyz", Server.ReadinessProbe?.HttpGet?.Path);
        Assert.True((StatefulSet.Spec.Template.Spec.TerminationGracePeriodSeconds ?? 30) >= 30);
    }

    [Fact]
    public void Gets_only_the_admin_and_internal_tokens_from_the_cluster_secret()
    {
        Assert.DoesNotContain(Server.EnvFrom ?? [], source => source.SecretRef is not null);
        var fromSecrets = Server.Env.Where(e => e.ValueFrom?.SecretKeyRef is not null).ToList();
        Assert.Equal(
            ["Buckets__Security__AdminToken", "Buckets__Security__InternalToken"],
            fromSecrets.Select(e => e.ValueFrom.SecretKeyRef.Key).Order(StringComparer.Ordinal));
        Assert.All(fromSecrets, e =>
        {
            Assert.Equal("buckets-secrets", e.ValueFrom.SecretKeyRef.Name);
            Assert.Equal(e.Name, e.ValueFrom.SecretKeyRef.Key);
        });
    }

    [Fact]
    public void Governing_service_is_headless_and_selects_the_pod()
    {
        var service = Manifests.Named<V1Service>(StatefulSet.Spec.ServiceName);

        Assert.Equal("None", service.Spec.ClusterIP);
        Assert.True(Manifests.Workload("StatefulSet/buckets-backup").Carries(service.Spec.Selector));
    }
}
