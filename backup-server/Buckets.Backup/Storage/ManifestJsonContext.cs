using System.Text.Json.Serialization;

namespace Buckets.Backup.Storage;

/// <summary>Source-generated JSON for manifests: indented camelCase so a person can read them.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    IgnoreReadOnlyProperties = true)]
[JsonSerializable(typeof(BucketManifest))]
internal sealed partial class ManifestJsonContext : JsonSerializerContext
{
}
