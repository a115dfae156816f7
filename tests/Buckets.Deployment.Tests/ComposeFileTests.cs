using System.Globalization;
using Buckets.Deployment.Tests.Infrastructure;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Buckets.Deployment.Tests;

/// <summary>
/// docker-compose.yml, the local cluster in one command: the product's containers get the manifests'
/// restrictions and listen on the host's loopback only, each on ports of its own.
/// </summary>
public sealed class ComposeFileTests
{
    private const string ComposeFile = "docker-compose.yml";
    private static readonly string[] ListenerSettings = ["Urls", "Buckets__Http__InternalUrls"];

    private static readonly Lazy<YamlMappingNode> Services = new(Load);

    public static TheoryData<string> ProductServices => [.. ProductServiceNames];

    private static IEnumerable<string> ProductServiceNames =>
        Services.Value.Children.Where(s => Image(s.Value).StartsWith("buckets/", StringComparison.Ordinal)).Select(s => ((YamlScalarNode)s.Key).Value!);

    [Fact]
    public void Runs_every_image_the_manifests_run()
    {
        var images = Services.Value.Children.Select(s => Image(s.Value)).ToHashSet(StringComparer.Ordinal);

        Assert.Subset(images, ImageDefinition.All.Select(i => i.Image).ToHashSet(StringComparer.Ordinal));
        Assert.Equal(3, Services.Value.Children.Count(s => Image(s.Value) == "buckets/server"));
    }

    [Theory]
    [MemberData(nameof(ProductServices))]
    public void Runs_under_the_restrictions_of_the_manifests(string service)
    {
        var spec = Service(service);
        var pod = Manifests.Workloads.Single(w => w.AllContainers.Any(c => c.Image.Split(':')[0] == Image(spec))).Template.Spec;

        Assert.Equal("host", Scalar(spec, "network_mode"));
        Assert.Equal("true", Scalar(spec, "read_only"));
        Assert.Equal(string.Create(CultureInfo.InvariantCulture, $"{pod.SecurityContext.RunAsUser}:{pod.SecurityContext.RunAsGroup}"), Scalar(spec, "user"));
        Assert.Equal(["ALL"], Sequence(spec, "cap_drop"));
        Assert.Contains("no-new-privileges:true", Sequence(spec, "security_opt"));
        // A tmpfs at every emptyDir mount path of the manifest, and nothing else in memory.
        var emptyDirs = pod.Volumes.Where(v => v.EmptyDir is not null).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var tmpfsPaths = pod.Containers[0].VolumeMounts.Where(m => emptyDirs.Contains(m.Name)).Select(m => m.MountPath);
        Assert.Equal(tmpfsPaths, Sequence(spec, "tmpfs").Select(t => t.Split(':')[0]));
    }

    [Fact]
    public void Every_listener_is_on_loopback_on_a_port_of_its_own()
    {
        var ports = new List<string>();
        foreach (var service in ProductServiceNames)
        {
            var environment = (YamlMappingNode)Service(service).Children[new YamlScalarNode("environment")];
            foreach (var setting in ListenerSettings)
            {
                var url = Assert.IsType<YamlScalarNode>(environment.Children[new YamlScalarNode(setting)]).Value!;
                Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
                ports.Add(url.Split(':')[^1]);
            }

            if (environment.Children.TryGetValue(new YamlScalarNode("Buckets__Hosting__SiloPort"), out var siloPort))
            {
                ports.Add(((YamlScalarNode)siloPort).Value!);
            }
        }

        Assert.Equal(ports.Count, ports.Distinct(StringComparer.Ordinal).Count());
    }

    private static YamlMappingNode Load()
    {
        using var reader = new StringReader(File.ReadAllText(RepoPaths.Full(ComposeFile)));
        var stream = new YamlStream();
        // The file shares settings through anchors and merge keys (<<: *restricted).
        stream.Load(new MergingParser(new Parser(reader)));
        return (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("services")];
    }

    private static YamlMappingNode Service(string name) => (YamlMappingNode)Services.Value.Children[new YamlScalarNode(name)];

    private static string Image(YamlNode service) => Scalar((YamlMappingNode)service, "image");

    private static string Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? ((YamlScalarNode)value).Value ?? "" : "";

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? [.. ((YamlSequenceNode)value).Children.Select(c => ((YamlScalarNode)c).Value!)] : [];
}
