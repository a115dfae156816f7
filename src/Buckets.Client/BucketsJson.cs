using System.Text.Json;

namespace Buckets.Client;

/// <summary>The API's JSON: camelCase names, as ASP.NET Core writes them.</summary>
internal static class BucketsJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
