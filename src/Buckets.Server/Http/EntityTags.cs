using System.Globalization;

namespace Buckets.Server.Http;

/// <summary>Entity tags are entry versions written as strong ETags: <c>"42"</c>.</summary>
public static class EntityTags
{
    // Two quotes around the 20 characters of long.MinValue.
    private const int MaxTagChars = 22;

    public static string Format(long version)
    {
        // One string, no boxing: formatted into a stack buffer between the quotes.
        Span<char> tag = stackalloc char[MaxTagChars];
        tag[0] = '"';
        version.TryFormat(tag[1..], out var digits, provider: CultureInfo.InvariantCulture);
        tag[digits + 1] = '"';
        return new string(tag[..(digits + 2)]);
    }

    /// <summary>Parses one strong ETag holding a version; false when the header is malformed.</summary>
    public static bool TryParse(string header, out long version)
    {
        var span = header.AsSpan().Trim();
        version = 0;
        return span.Length > 2 && span[0] == '"' && span[^1] == '"'
            && long.TryParse(span[1..^1], NumberStyles.None, CultureInfo.InvariantCulture, out version);
    }
}
