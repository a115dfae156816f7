namespace Buckets.EndToEnd.Tests.Chaos;

/// <summary>One bucket of the chaos load.</summary>
public sealed record ChaosBucket(string Id, string ApiKey, string Durability)
{
    public override string ToString() => $"{Durability} bucket {Id}";
}
