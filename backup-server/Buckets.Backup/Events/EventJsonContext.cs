using System.Text.Json.Serialization;

namespace Buckets.Backup.Events;

/// <summary>The JSON of one event line in <c>events/events-&lt;n&gt;.jsonl</c> (the same shape the endpoint answers).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BackupEvent))]
internal sealed partial class EventJsonContext : JsonSerializerContext;
