using System.Globalization;

namespace Buckets.Server.Http;

/// <summary>Entity tags are entry versions written as strong ETags: <c>"42"</c>.</summary>
public static class EntityTags
{
    public static string Format(long version) => string.Create(CultureInfo.InvariantCulture, $"\"{version}\"");

    /// <summary>Parses one strong ETag holding a version; false when the header is malformed.</summary>
    public static bool TryParse(string header, out long version)
    {
        var span = header.AsSpan().Trim();
        version = 0;
        return span.Length > 2 && span[0] == '"' && span[^1] == '"'
            && long.TryParse(span[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }
}
