using System.Text.Json;
using Buckets.Hosting.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Buckets.Server.Http;

/// <summary>JSON request bodies read with explicit errors instead of framework 400s without detail.</summary>
public static class JsonBody
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>A look at the raw body before it is deserialized: the problem to answer, or null.</summary>
    public delegate ProblemHttpResult? Precheck(ReadOnlySpan<byte> body);

    /// <summary>
    /// Reads a JSON body of at most <paramref name="maxBytes"/>: the value, or the problem to answer
    /// (415 not JSON, 413 too large, 503 the process's body budget is spent, 400 malformed or refused by
    /// <paramref name="precheck"/>). An empty body with <paramref name="allowEmpty"/> gives a null value.
    /// </summary>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(HttpContext http, int maxBytes, string what, bool allowEmpty = false, Precheck? precheck = null)
    {
        var request = http.Request;
        using var body = await http.RequestServices.GetRequiredService<BodyReader>().ReadAsync(request, maxBytes, http.RequestAborted);
        if (Problems.Unread(body, http, what, maxBytes) is { } unread)
        {
            return (default, unread);
        }

        if (allowEmpty && body.Span.IsEmpty)
        {
            return (default, null);
        }

        if (!IsJson(request.ContentType))
        {
            return (default, Problems.UnsupportedMediaType($"Send the {what} as 'application/json'."));
        }

        if (precheck?.Invoke(body.Span) is { } refused)
        {
            return (default, refused);
        }

        return TryDeserialize<T>(body.Span, out var value, out var error)
            ? (value, null)
            : (default, Problems.BadRequest("invalid-json", error));
    }

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
