namespace Buckets.Cluster.Tests.Grains;

[GenerateSerializer]
[Alias("Buckets.Cluster.Tests.MetadataTestState")]
public sealed class MetadataTestState
{
    [Id(0)]
    public string? Value { get; set; }

    [Id(1)]
    public int Writes { get; set; }
}
