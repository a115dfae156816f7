using System.Globalization;
using Buckets.Deployment.Tests.Infrastructure;

namespace Buckets.Deployment.Tests;

/// <summary>Structure of the images, checked without a container engine (the Container tests build and run them).</summary>
public sealed class DockerfileTests
{
    private const string DataDirectory = "/data";
    private static readonly string[] RootUsers = ["root", "0"];

    public static TheoryData<string> Images => [.. ImageDefinition.All.Select(i => i.Image)];

    [Theory]
    [MemberData(nameof(Images))]
    public void Builds_with_the_sdk_and_runs_on_the_aspnet_runtime(string image)
    {
        var definition = ImageDefinition.For(image);
        var file = Dockerfile.Load(definition.Dockerfile);

        Assert.True(file.Stages.Count >= 2, $"{definition.Dockerfile} is not multi-stage");
        // Build arguments, so an air-gapped build can name local base images; Microsoft's by default.
        Assert.Equal("${SDK_IMAGE}", Dockerfile.BaseImage(file.Stages[0]));
        Assert.Equal("${RUNTIME_IMAGE}", Dockerfile.BaseImage(file.Stages[^1]));
        Assert.Equal("mcr.microsoft.com/dotnet/sdk:10.0", file.DefaultBaseImage(file.Stages[0]));
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", file.DefaultBaseImage(file.Stages[^1]));
        Assert.Contains(file.InStage(0), i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish " + definition.Project + " -c Release", StringComparison.Ordinal));
        var entrypoint = Assert.Single(file.InStage(file.FinalStage), i => i.Keyword == "ENTRYPOINT");
        Assert.Contains($"\"{definition.EntryAssembly}\"", entrypoint.Arguments, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Final_stage_runs_as_a_non_root_user(string image)
    {
        var dockerfile = ImageDefinition.For(image).Dockerfile;
        var file = Dockerfile.Load(dockerfile);

        var user = file.InStage(file.FinalStage).LastOrDefault(i => i.Keyword == "USER");

        Assert.True(user is not null, $"{dockerfile}: the runtime stage sets no USER, so it runs as root");
        var name = user.Arguments.Split(':')[0];
        Assert.DoesNotContain(name, RootUsers);
        // A numeric UID (which $APP_UID is) lets the kubelet enforce runAsNonRoot; a user name would not.
        Assert.True(name == "$APP_UID" || name == "${APP_UID}" || int.TryParse(name, CultureInfo.InvariantCulture, out _), $"{dockerfile}: USER {name} is not numeric");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Restore_layer_copies_every_project_and_build_file_restore_reads(string image)
    {
        var project = ImageDefinition.For(image).Project;
        var file = Dockerfile.Load(ImageDefinition.For(image).Dockerfile);
        var restore = Assert.Single(file.InStage(0), i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.Contains(project, restore.Arguments, StringComparison.Ordinal);

        var landed = file.Copies(0)
            .Where(c => !c.FromOtherStage && c.Instruction.Line < restore.Line)
            .SelectMany(c => c.Sources.Select(c.Landing))
            .ToHashSet(StringComparer.Ordinal);
        var projects = ProjectGraph.Closure(project);
        var needed = projects.Concat(ProjectGraph.BuildFiles(projects));

        Assert.Empty(needed.Where(path => !landed.Contains(path)).Select(path => $"{path} must be copied to the same relative path before `dotnet restore`"));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Copied_sources_exist_in_the_repository(string image)
    {
        var file = Dockerfile.Load(ImageDefinition.For(image).Dockerfile);

        var missing = file.Stages.Select((_, stage) => stage)
            .SelectMany(file.Copies)
            .Where(c => !c.FromOtherStage)
            .SelectMany(c => c.Sources)
            .Where(source => !File.Exists(RepoPaths.Full(source)) && !Directory.Exists(RepoPaths.Full(source)));

        Assert.Empty(missing);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Exposes_every_port_the_manifests_declare_for_the_image(string image)
    {
        var file = Dockerfile.Load(ImageDefinition.For(image).Dockerfile);
        var exposed = file.InStage(file.FinalStage).Where(i => i.Keyword == "EXPOSE")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(port => int.Parse(port.Split('/')[0], CultureInfo.InvariantCulture))
            .ToHashSet();

        var declared = Manifests.Workloads.SelectMany(w => w.AllContainers)
            .Where(c => c.Image.Split(':')[0] == image)
            .SelectMany(c => c.Ports ?? [])
            .Select(p => p.ContainerPort)
            .ToList();

        Assert.NotEmpty(declared);
        Assert.Subset(exposed, declared.ToHashSet());
    }

    [Fact]
    public void Both_images_share_one_build_stage_line_for_line()
    {
        // Identical instructions give identical layers, so building the second image compiles nothing again.
        var stages = ImageDefinition.All.Select(i => Dockerfile.Load(i.Dockerfile))
            .Select(f => f.Instructions.Where(i => i.Stage <= 0).Select(i => $"{i.Keyword} {i.Arguments}").ToList())
            .ToList();

        Assert.All(stages.Skip(1), stage => Assert.Equal(stages[0], stage));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Data_directory_is_the_one_path_the_image_makes_writable(string image)
    {
        var file = Dockerfile.Load(ImageDefinition.For(image).Dockerfile);
        var final = file.InStage(file.FinalStage).ToList();

        var settings = final.Where(i => i.Keyword == "ENV" && i.Arguments.EndsWith("DataDirectory=" + DataDirectory, StringComparison.Ordinal));
        Assert.Single(settings);
        var made = Assert.Single(final, i => i.Keyword == "RUN");
        Assert.Equal($"mkdir -p {DataDirectory} && chown $APP_UID:$APP_UID {DataDirectory}", made.Arguments);
        Assert.All(final.Where(i => i.Keyword == "VOLUME"), v => Assert.Equal(DataDirectory, v.Arguments));
    }

    [Fact]
    public void Every_image_the_manifests_run_has_a_dockerfile()
    {
        var images = Manifests.Workloads.SelectMany(w => w.AllContainers).Select(c => c.Image.Split(':')[0]).ToHashSet(StringComparer.Ordinal);

        Assert.Subset(ImageDefinition.All.Select(i => i.Image).ToHashSet(StringComparer.Ordinal), images);
        Assert.All(ImageDefinition.All, i => Assert.True(File.Exists(RepoPaths.Full(i.Dockerfile)), $"{i.Dockerfile} is missing"));
    }

    [Fact]
    public void Dockerignore_keeps_host_build_output_out_but_keeps_build_inputs_in()
    {
        var path = RepoPaths.Full(".dockerignore");
        Assert.True(File.Exists(path), ".dockerignore is missing at the repository root");
        var patterns = File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet(StringComparer.Ordinal);

        // Host obj/project.assets.json holds host paths and would break the container's restore.
        Assert.Contains(patterns, p => p is "**/bin" or "**/bin/");
        Assert.Contains(patterns, p => p is "**/obj" or "**/obj/");
        var inputs = new[] { "src", "backup-server", "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig", "*.props", "*.csproj", "**/*.csproj" };
        Assert.DoesNotContain(inputs, input => patterns.Contains(input) || patterns.Contains(input + "/"));
    }
}
