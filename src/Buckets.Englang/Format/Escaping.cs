using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace Buckets.Englang;

/// <summary>The character rules shared by the writer and the parser for quoted text.</summary>
internal static class Escaping
{
    /// <summary>Bytes that stop the fast copy of text: quote, backslash, ASCII controls, and every non-ASCII byte.</summary>
    public static readonly SearchValues<byte> TextSpecialBytes = SearchValues.Create(BuildTextSpecialBytes());

    /// <summary>ASCII controls other than tab, line feed and carriage return: their presence makes a value binary.</summary>
    private static readonly SearchValues<byte> BinaryAsciiControls = SearchValues.Create(BuildBinaryControls());

    /// <summary>Bytes allowed in a bucket id written without quotes.</summary>
    public static readonly SearchValues<byte> BareIdBytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:"u8);

    /// <summary>Characters allowed in a bucket id written without quotes.</summary>
    private static readonly SearchValues<char> BareIdChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    /// <summary>
    /// True for a code point written as <c>\u{X}</c> inside quotes: controls (C0 other than the ones
    /// with short escapes, DEL, C1), line and paragraph separators, the byte order mark, bidirectional
    /// formatting controls, and surrogates (which only a .NET key can hold, unpaired).
    /// </summary>
    public static bool NeedsUnicodeEscape(int codePoint) =>
        codePoint < 0x20
        || (codePoint >= 0x7F && codePoint <= 0x9F)
        || codePoint is 0x061C or 0x200E or 0x200F or 0x2028 or 0x2029 or 0xFEFF
        || (codePoint >= 0x202A && codePoint <= 0x202E)
        || (codePoint >= 0x2066 && codePoint <= 0x2069)
        || (codePoint >= 0xD800 && codePoint <= 0xDFFF);

    /// <summary>True for a code point with a short escape: quote, backslash, line feed, carriage return, tab.</summary>
    public static bool HasShortEscape(int codePoint) => codePoint is '"' or '\\' or '\n' or '\r' or '\t';

    /// <summary>True for control characters that make a value binary (everything but tab, line feed, carriage return).</summary>
    public static bool IsBinaryControl(int codePoint) =>
        (codePoint < 0x20 && codePoint is not ('\t' or '\n' or '\r')) || (codePoint >= 0x7F && codePoint <= 0x9F);

    /// <summary>
    /// True when a value is written as quoted text: valid UTF-8 without control characters other than
    /// tab, line feed and carriage return. Everything else is written as base64.
    /// </summary>
    public static bool IsTextValue(ReadOnlySpan<byte> value)
    {
        if (value.IndexOfAny(BinaryAsciiControls) >= 0)
        {
            return false;
        }

        if (Ascii.IsValid(value))
        {
            return true;
        }

        if (!Utf8.IsValid(value))
        {
            return false;
        }

        // In valid UTF-8 the C1 controls U+0080..U+009F are exactly the pairs C2 80..C2 9F.
        var rest = value;
        int at;
        while ((at = rest.IndexOf((byte)0xC2)) >= 0)
        {
            if (rest[at + 1] <= 0x9F)
            {
                return false;
            }

            rest = rest[(at + 2)..];
        }

        return true;
    }

    /// <summary>True when a bucket id is written without quotes: non-empty and only <c>A-Z a-z 0-9 - _ . :</c>.</summary>
    public static bool IsBareId(ReadOnlySpan<char> id) => id.Length > 0 && !id.ContainsAnyExcept(BareIdChars);

    private static byte[] BuildTextSpecialBytes()
    {
        var bytes = new List<byte> { (byte)'"', (byte)'\\', 0x7F };
        for (var b = 0; b < 0x20; b++)
        {
            bytes.Add((byte)b);
        }

        for (var b = 0x80; b <= 0xFF; b++)
        {
            bytes.Add((byte)b);
        }

        return [.. bytes];
    }

    private static byte[] BuildBinaryControls()
    {
        var bytes = new List<byte> { 0x7F };
        for (var b = 0; b < 0x20; b++)
        {
            if (b is not ('\t' or '\n' or '\r'))
            {
                bytes.Add((byte)b);
            }
        }

        return [.. bytes];
    }
}
