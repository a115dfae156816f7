using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Buckets.Server.Http;

/// <summary>JSON request bodies read with explicit errors instead of framework 400s without detail.</summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    public static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    public static bool TryDeserialize<T>(ReadOnlySpan<byte> body, out T? value, out string error)
    {
        error = "";
        value = default;
        if (body.IsEmpty)
        {
            return true;
        }

        try
        {
            value = JsonSerializer.Deserialize<T>(body, Options);
            return true;
        }
        catch (JsonException e)
        {
            error = $"The body is not valid JSON for this endpoint: {e.Message}";
            return false;
        }
    }
}
