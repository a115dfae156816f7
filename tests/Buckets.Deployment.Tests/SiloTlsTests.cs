using Buckets.Deployment.Tests.Infrastructure;
using k8s.Models;

namespace Buckets.Deployment.Tests;

/// <summary>Silo pods get their mutual TLS files from a <c>kubernetes.io/tls</c> Secret and open no Orleans client gateway.</summary>
public sealed class SiloTlsTests
{
    private static readonly (string Setting, string Key)[] Files =
    [
        ("Buckets__Cluster__Tls__CertificatePath", "tls.crt"),
        ("Buckets__Cluster__Tls__PrivateKeyPath", "tls.key"),
        ("Buckets__Cluster__Tls__CaCertificatePath", "ca.crt"),
    ];

    private static V1PodSpec Pod => Manifests.SiloDeployment.Spec.Template.Spec;

    private static V1Container Silo => Assert.Single(Pod.Containers);

    [Fact]
    public void CertificateSettingsPointAtTheFilesOfTheMountedTlsSecret()
    {
        var volume = Assert.Single(Pod.Volumes ?? [], v => v.Secret is not null && Manifests.Named<V1Secret>(v.Secret.SecretName).Type == "kubernetes.io/tls");
        var secret = Manifests.Named<V1Secret>(volume.Secret.SecretName);
        var mount = Assert.Single(Silo.VolumeMounts ?? [], m => m.Name == volume.Name);
        var keys = (secret.StringData?.Keys ?? []).Concat(secret.Data?.Keys ?? []).ToHashSet(StringComparer.Ordinal);

        Assert.True(mount.ReadOnlyProperty, "the certificate mount must be read-only");
        Assert.Null(mount.SubPath);
        foreach (var (setting, key) in Files)
        {
            Assert.Contains(key, keys);
            Assert.Equal($"{mount.MountPath.TrimEnd('/')}/{key}", Manifests.Config.Data[setting]);
        }
    }

    [Fact]
    public void ThePrivateKeyIsNotReadableByOtherUsers()
    {
        var volume = Assert.Single(Pod.Volumes ?? [], v => v.Secret?.SecretName == "buckets-silo-tls");
        const int OtherUsersBits = 0b111;

        Assert.NotNull(volume.Secret.DefaultMode);
        Assert.Equal(0, volume.Secret.DefaultMode.Value & OtherUsersBits);
        Assert.NotNull(Pod.SecurityContext?.FsGroup);
    }

    [Fact]
    public void SubPathIsNotUsedSoARenewedSecretReachesTheRunningPod()
    {
        // Kubernetes never updates a subPath mount; the silo reloads renewed files only through a whole-volume mount.
        Assert.All(Silo.VolumeMounts ?? [], m => Assert.Null(m.SubPath));
    }

    [Fact]
    public void TheSiloDeclaresNoOrleansGatewayPort()
    {
        var names = (Silo.Ports ?? []).Select(p => p.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["http", "internal", "resp", "silo"], names);
        Assert.DoesNotContain(Manifests.Config.Data.Keys, key => key.Contains("GatewayPort", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Deployment/buckets-silo")]
    [InlineData("StatefulSet/buckets-backup")]
    public void InternalUrlsListenOnTheDeclaredInternalPort(string id)
    {
        var container = Assert.Single(Manifests.Workload(id).Template.Spec.Containers);
        var urls = Assert.Single(container.Env ?? [], e => e.Name == "Buckets__Http__InternalUrls").Value;
        var port = Assert.Single(container.Ports ?? [], p => p.Name == "internal");

        Assert.Equal(8081, port.ContainerPort);
        Assert.Equal(port.ContainerPort, new Uri(urls).Port);
    }
}
