using Buckets.Deployment.Tests.Infrastructure;
using k8s.Models;

namespace Buckets.Deployment.Tests;

/// <summary>The backup server keeps its data on a claim that survives pod and StatefulSet changes.</summary>
public sealed class BackupStatefulSetTests
{
    private const string DataDirectory = "/data";

    private static V1StatefulSet StatefulSet => Manifests.BackupStatefulSet;

    private static V1Container Server => Assert.Single(StatefulSet.Spec.Template.Spec.Containers);

    [Fact]
    public void Runs_one_replica_of_the_backup_image()
    {
        Assert.Equal(1, StatefulSet.Spec.Replicas);
        Assert.StartsWith("buckets/backup-server:", Server.Image, StringComparison.Ordinal);
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
