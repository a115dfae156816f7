namespace Buckets.Englang;

/// <summary>Reads one backslash escape: <c>\" \\ \n \r \t</c> or <c>\u{X}</c> (uppercase hex, no leading zeros).</summary>
internal static class Escapes
{
    /// <summary>
    /// Reads the escape at <paramref name="i"/> (a backslash) and moves past it. In a value
    /// (<paramref name="forValue"/>) <c>\u{X}</c> may only name a non-control, non-surrogate character.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> content, ref int i, bool forValue, out int codePoint, out string? error)
    {
        codePoint = 0;
        if (i + 1 >= content.Length)
        {
            error = "an escape after the backslash";
            return false;
        }

        codePoint = content[i + 1] switch
        {
            (byte)'"' => '"',
            (byte)'\\' => '\\',
            (byte)'n' => '\n',
            (byte)'r' => '\r',
            (byte)'t' => '\t',
            (byte)'u' => -1,
            _ => -2,
        };
        if (codePoint >= 0)
        {
            i += 2;
            error = null;
            return true;
        }

        if (codePoint == -2)
        {
            error = "one of the escapes \\\" \\\\ \\n \\r \\t \\u{X}";
            return false;
        }

        return TryReadUnicode(content, ref i, forValue, out codePoint, out error);
    }

    private static bool TryReadUnicode(ReadOnlySpan<byte> content, ref int i, bool forValue, out int codePoint, out string? error)
    {
        codePoint = 0;
        var j = i + 2;
        if (j >= content.Length || content[j] != (byte)'{')
        {
            error = "\"{\" after \\u";
            return false;
        }

        j++;
        var digits = 0;
        while (j < content.Length && digits <= 6 && content[j] is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F')
        {
            var b = content[j];
            codePoint = (codePoint << 4) | (b <= (byte)'9' ? b - '0' : b - 'A' + 10);
            digits++;
            j++;
        }

        if (digits == 0 || digits > 6 || j >= content.Length || content[j] != (byte)'}')
        {
            error = "one to six uppercase hex digits and \"}\" in \\u{X}";
            return false;
        }

        if (content[i + 3] == (byte)'0' && digits > 1)
        {
            error = "a \\u{X} escape without leading zeros";
            return false;
        }

        if (!Escaping.NeedsUnicodeEscape(codePoint) || Escaping.HasShortEscape(codePoint))
        {
            error = $"U+{codePoint:X4} written as itself or with its short escape, not as \\u{{X}}";
            return false;
        }

        if (forValue && (Escaping.IsBinaryControl(codePoint) || codePoint is >= 0xD800 and <= 0xDFFF))
        {
            error = $"a value holding U+{codePoint:X4} to be written as base64";
            return false;
        }

        i = j + 1;
        error = null;
        return true;
    }
}
