using System.Globalization;
using k8s;
using k8s.Models;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What a workload of <c>k8s/</c> grants its container, as <c>docker run</c> options: the user, a
/// read-only root, the capabilities, privilege escalation, and a tmpfs or a host directory exactly
/// where the manifest mounts an <c>emptyDir</c>, a Secret or a volume claim. Read from the manifests
/// themselves, so a container test runs under what a cluster would enforce and follows the manifests
/// when they change; a volume kind it does not know stops the test rather than being left out.
/// </summary>
public sealed class ManifestSecurity
{
    // An emptyDir without a sizeLimit still gets a bound here: a tmpfs is memory, not disk.
    private const long UnboundedEmptyDirBytes = 64L * 1024 * 1024;

    private readonly V1PodSpec _pod;
    private readonly V1Container _container;
    private readonly HashSet<string> _claims;

    private ManifestSecurity(string workload, V1PodSpec pod, V1Container container, IEnumerable<string> claims)
    {
        Workload = workload;
        _pod = pod;
        _container = container;
        _claims = [.. claims];
        RunAsUser = pod.SecurityContext?.RunAsUser ?? container.SecurityContext?.RunAsUser
            ?? throw new InvalidOperationException($"{workload} states no runAsUser");
        RunAsGroup = pod.SecurityContext?.RunAsGroup ?? container.SecurityContext?.RunAsGroup ?? RunAsUser;
    }

    /// <summary>The workload, for messages.</summary>
    public string Workload { get; }

    public long RunAsUser { get; }

    public long RunAsGroup { get; }

    /// <summary>Group the kubelet gives mounted volumes (<c>fsGroup</c>), when the manifest sets one.</summary>
    public long? FsGroup => _pod.SecurityContext?.FsGroup;

    /// <summary>Where the workload mounts volume <paramref name="name"/>.</summary>
    public string MountPath(string name) =>
        (_container.VolumeMounts ?? []).SingleOrDefault(m => m.Name == name)?.MountPath
        ?? throw new InvalidOperationException($"{Workload} mounts no volume named {name}");

    /// <summary>Names of the Secret volumes and volume claims the container mounts: each needs a host directory.</summary>
    public IEnumerable<string> DirectoryVolumes =>
        (_container.VolumeMounts ?? []).Select(m => m.Name).Where(name => _claims.Contains(name) || Volume(name)?.Secret is not null);

    /// <summary>The first container of the Deployment or StatefulSet named <paramref name="workload"/> in <c>k8s/</c>.</summary>
    public static ManifestSecurity For(string workload)
    {
        // The kustomization is not an API object; every other file is.
        foreach (var path in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "k8s"), "*.yaml").Where(p => Path.GetFileName(p) != "kustomization.yaml"))
        {
            foreach (var resource in KubernetesYaml.LoadAllFromString(File.ReadAllText(path), null, strict: true))
            {
                switch (resource)
                {
                    case V1Deployment d when d.Metadata.Name == workload:
                        return new ManifestSecurity($"Deployment/{workload}", d.Spec.Template.Spec, d.Spec.Template.Spec.Containers[0], []);
                    case V1StatefulSet s when s.Metadata.Name == workload:
                        return new ManifestSecurity(
                            $"StatefulSet/{workload}", s.Spec.Template.Spec, s.Spec.Template.Spec.Containers[0], (s.Spec.VolumeClaimTemplates ?? []).Select(c => c.Metadata.Name));
                }
            }
        }

        throw new InvalidOperationException($"no Deployment or StatefulSet named {workload} in k8s/");
    }

    /// <summary>
    /// The <c>docker run</c> options; <paramref name="hostDirectories"/> gives the host directory behind each
    /// of <see cref="DirectoryVolumes"/>.
    /// </summary>
    public IReadOnlyList<string> DockerRunOptions(IReadOnlyDictionary<string, string> hostDirectories)
    {
        var options = new List<string> { "--user", $"{RunAsUser}:{RunAsGroup}" };
        if (FsGroup is { } fsGroup && fsGroup != RunAsGroup)
        {
            options.AddRange(["--group-add", fsGroup.ToString(CultureInfo.InvariantCulture)]);
        }

        var context = _container.SecurityContext ?? new V1SecurityContext();
        if (context.ReadOnlyRootFilesystem == true)
        {
            options.Add("--read-only");
        }

        if (context.AllowPrivilegeEscalation == false)
        {
            options.AddRange(["--security-opt", "no-new-privileges"]);
        }

        foreach (var capability in context.Capabilities?.Drop ?? [])
        {
            options.AddRange(["--cap-drop", capability]);
        }

        foreach (var capability in context.Capabilities?.Add ?? [])
        {
            options.AddRange(["--cap-add", capability]);
        }

        if (context.Privileged == true || _pod.HostNetwork == true || _pod.HostPID == true)
        {
            throw new NotSupportedException($"{Workload}: privileged containers and host namespaces are not mirrored");
        }

        foreach (var mount in _container.VolumeMounts ?? [])
        {
            options.AddRange(Mount(mount, hostDirectories));
        }

        return options;
    }

    private string[] Mount(V1VolumeMount mount, IReadOnlyDictionary<string, string> hostDirectories)
    {
        var readOnly = mount.ReadOnlyProperty == true;
        if (_claims.Contains(mount.Name) || Volume(mount.Name)?.Secret is not null)
        {
            if (!hostDirectories.TryGetValue(mount.Name, out var directory))
            {
                throw new InvalidOperationException($"{Workload} mounts {mount.Name} at {mount.MountPath}: give it a host directory");
            }

            return ["--volume", $"{directory}:{mount.MountPath}:{(readOnly || Volume(mount.Name)?.Secret is not null ? "ro" : "rw")}"];
        }

        if (Volume(mount.Name)?.EmptyDir is { } emptyDir)
        {
            var size = emptyDir.SizeLimit?.ToInt64() ?? UnboundedEmptyDirBytes;
            return ["--tmpfs", $"{mount.MountPath}:rw,size={size.ToString(CultureInfo.InvariantCulture)}"];
        }

        throw new NotSupportedException($"{Workload} mounts {mount.Name}, a kind of volume the container tests do not mirror yet");
    }

    private V1Volume? Volume(string name) => (_pod.Volumes ?? []).SingleOrDefault(v => v.Name == name);
}
