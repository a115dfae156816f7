using System.Globalization;
using Buckets.Deployment.Tests.Infrastructure;
using k8s.Models;

namespace Buckets.Deployment.Tests;

/// <summary>Services reach real pods on real ports; nothing here is checked by an API server offline.</summary>
public sealed class ServiceTests
{
    public static TheoryData<string> ServiceNames => [.. Manifests.OfType<V1Service>().Select(s => s.Metadata.Name)];

    public static TheoryData<string> WorkloadIds => [.. Manifests.Workloads.Select(w => w.Id)];

    [Theory]
    [MemberData(nameof(WorkloadIds))]
    public void Workload_selector_matches_its_own_pod_template(string id)
    {
        var workload = Manifests.Workload(id);

        Assert.True(workload.Carries(workload.Selector.MatchLabels), $"{id}: spec.selector does not match the template labels");
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Service_selects_labels_a_workload_carries(string name)
    {
        var service = Manifests.Named<V1Service>(name);

        Assert.NotEmpty(Selected(service));
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Service_target_ports_exist_on_every_selected_workload(string name)
    {
        var service = Manifests.Named<V1Service>(name);

        foreach (var workload in Selected(service))
        {
            foreach (var port in service.Spec.Ports)
            {
                var target = ContainerPort(workload, port);
                Assert.True(target is not null, $"Service {name} port {port.Name}: target {port.TargetPort?.Value ?? port.Port.ToString(CultureInfo.InvariantCulture)} is no container port of {workload}");
                if (service.Spec.ClusterIP == "None")
                {
                    Assert.True(port.Port == target.ContainerPort, $"headless Service {name} cannot remap {port.Port} to {target.ContainerPort}: clients dial the pod directly");
                }
            }
        }
    }

    [Fact]
    public void Public_service_maps_port_80_to_the_silo_http_port()
    {
        var service = Manifests.Named<V1Service>("buckets");
        var port = Assert.Single(service.Spec.Ports);

        Assert.Equal("ClusterIP", service.Spec.Type ?? "ClusterIP");
        Assert.Equal(80, port.Port);
        Assert.Equal(8080, ContainerPort(Manifests.Workload("Deployment/buckets-silo"), port)?.ContainerPort);
    }

    [Fact]
    public void Backup_server_urls_name_each_pod_of_the_statefulset_under_its_headless_service()
    {
        var statefulSet = Manifests.BackupStatefulSet;
        var urls = Manifests.Config.Data.Where(e => e.Key.StartsWith("Buckets__Backup__Servers__", StringComparison.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new Uri(e.Value)).ToList();

        Assert.Equal(statefulSet.Spec.Replicas, urls.Count);
        for (var i = 0; i < urls.Count; i++)
        {
            var labels = urls[i].Host.Split('.');
            Assert.Equal($"{statefulSet.Metadata.Name}-{i}", labels[0]);
            Assert.Equal(statefulSet.Spec.ServiceName, labels[1]);
            Assert.True(labels.Length == 2 || labels[2] == "buckets", $"{urls[i].Host} points outside the buckets namespace");
            Assert.Contains(Manifests.Named<V1Service>(labels[1]).Spec.Ports, p => p.Port == urls[i].Port);
        }
    }

    private static List<Workload> Selected(V1Service service) => [.. Manifests.Workloads.Where(w => w.Carries(service.Spec.Selector))];

    private static V1ContainerPort? ContainerPort(Workload workload, V1ServicePort port)
    {
        var target = port.TargetPort?.Value ?? port.Port.ToString(CultureInfo.InvariantCulture);
        return workload.AllContainers.SelectMany(c => c.Ports ?? [])
            .FirstOrDefault(p => p.Name == target || p.ContainerPort.ToString(CultureInfo.InvariantCulture) == target);
    }
}
