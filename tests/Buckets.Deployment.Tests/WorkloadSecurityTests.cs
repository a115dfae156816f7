using Buckets.Deployment.Tests.Infrastructure;
using k8s.Models;

namespace Buckets.Deployment.Tests;

/// <summary>Both workloads run as the image's non-root user on a read-only root filesystem, within resource limits.</summary>
public sealed class WorkloadSecurityTests
{
    public static TheoryData<string> WorkloadIds => [.. Manifests.Workloads.Select(w => w.Id)];

    [Theory]
    [MemberData(nameof(WorkloadIds))]
    public void Containers_run_non_root_with_a_read_only_root_and_no_privileges(string id)
    {
        var pod = Manifests.Workload(id).Template.Spec;
        Assert.Equal("RuntimeDefault", pod.SecurityContext?.SeccompProfile?.Type);

        foreach (var container in Manifests.Workload(id).AllContainers)
        {
            var nonRoot = container.SecurityContext?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot;
            var user = container.SecurityContext?.RunAsUser ?? pod.SecurityContext?.RunAsUser;
            Assert.True(nonRoot == true, $"{id}/{container.Name}: runAsNonRoot is not set");
            Assert.True(user is null or > 0, $"{id}/{container.Name}: runAsUser {user} is root");
            Assert.True(container.SecurityContext?.ReadOnlyRootFilesystem == true, $"{id}/{container.Name}: root filesystem is writable");
            Assert.True(container.SecurityContext?.AllowPrivilegeEscalation == false, $"{id}/{container.Name}: privilege escalation allowed");
            Assert.Contains("ALL", container.SecurityContext?.Capabilities?.Drop ?? []);
        }
    }

    [Theory]
    [MemberData(nameof(WorkloadIds))]
    public void Tmp_is_a_writable_empty_dir(string id)
    {
        var workload = Manifests.Workload(id);

        foreach (var container in workload.Template.Spec.Containers)
        {
            var mount = Assert.Single(container.VolumeMounts ?? [], m => m.MountPath == "/tmp");
            var volume = Assert.Single(workload.Template.Spec.Volumes ?? [], v => v.Name == mount.Name);
            Assert.NotNull(volume.EmptyDir);
            Assert.NotEqual(true, mount.ReadOnlyProperty);
        }
    }

    [Theory]
    [MemberData(nameof(WorkloadIds))]
    public void Containers_set_requests_and_limits_for_cpu_and_memory(string id)
    {
        foreach (var container in Manifests.Workload(id).AllContainers)
        {
            foreach (var resource in new[] { "cpu", "memory" })
            {
                var request = Quantity(container.Resources?.Requests, resource);
                var limit = Quantity(container.Resources?.Limits, resource);
                Assert.True(request is not null && limit is not null, $"{id}/{container.Name}: {resource} request and limit must both be set");
                Assert.True(request.ToDecimal() <= limit.ToDecimal(), $"{id}/{container.Name}: {resource} request exceeds its limit");
            }
        }
    }

    private static ResourceQuantity? Quantity(IDictionary<string, ResourceQuantity>? quantities, string name) =>
        quantities is not null && quantities.TryGetValue(name, out var quantity) ? quantity : null;
}
