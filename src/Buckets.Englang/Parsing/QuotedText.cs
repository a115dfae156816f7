using System.Buffers;
using System.Text;

namespace Buckets.Englang;

/// <summary>Decodes the inside of a quoted text (between its quotation marks) into a string or bytes.</summary>
internal static class QuotedText
{
    private const int StackChars = 256;

    /// <summary>True when the text needs no decoding: no escapes, controls or non-ASCII, so its bytes are its content (and valid).</summary>
    public static bool IsPlain(ReadOnlySpan<byte> content) => content.IndexOfAny(Escaping.TextSpecialBytes) < 0;

    /// <summary>Finds the closing quotation mark of a text whose opening mark precedes <paramref name="text"/>; -1 when none.</summary>
    public static int FindClosingQuote(ReadOnlySpan<byte> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\\')
            {
                i++;
            }
            else if (text[i] == (byte)'"')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Decodes a key or quoted bucket id; on failure <paramref name="errorAt"/> is the offending offset.</summary>
    public static bool TryDecodeString(ReadOnlySpan<byte> content, out string value, out int errorAt, out string? error)
    {
        var first = content.IndexOfAny(Escaping.TextSpecialBytes);
        if (first < 0)
        {
            value = Encoding.UTF8.GetString(content);
            errorAt = 0;
            error = null;
            return true;
        }

        char[]? rented = null;
        var chars = content.Length <= StackChars
            ? stackalloc char[StackChars]
            : (rented = ArrayPool<char>.Shared.Rent(content.Length));
        try
        {
            var count = Encoding.ASCII.GetChars(content[..first], chars);
            var i = first;
            var afterEscapedHigh = false;
            while (i < content.Length)
            {
                int codePoint;
                if (content[i] == (byte)'\\')
                {
                    if (!Escapes.TryRead(content, ref i, forValue: false, out codePoint, out error))
                    {
                        return Fail(i, out value, out errorAt);
                    }

                    if (afterEscapedHigh && codePoint is >= 0xDC00 and <= 0xDFFF)
                    {
                        error = "a surrogate pair written as the character itself, not as two \\u{X} escapes";
                        return Fail(i, out value, out errorAt);
                    }

                    afterEscapedHigh = codePoint is >= 0xD800 and <= 0xDBFF;
                }
                else if (TryReadRaw(content, ref i, out codePoint, out error))
                {
                    afterEscapedHigh = false;
                }
                else
                {
                    return Fail(i, out value, out errorAt);
                }

                if (codePoint <= 0xFFFF)
                {
                    chars[count++] = (char)codePoint;
                }
                else
                {
                    count += new Rune(codePoint).EncodeToUtf16(chars[count..]);
                }
            }

            value = new string(chars[..count]);
            errorAt = 0;
            error = null;
            return true;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Decodes a text value into its UTF-8 bytes; on failure <paramref name="errorAt"/> is the offending offset.</summary>
    public static bool TryDecodeBytes(ReadOnlySpan<byte> content, out byte[] value, out int errorAt, out string? error)
    {
        var first = content.IndexOfAny(Escaping.TextSpecialBytes);
        if (first < 0)
        {
            value = content.ToArray();
            errorAt = 0;
            error = null;
            return true;
        }

        // The decoded text is never longer than its escaped form.
        var buffer = ArrayPool<byte>.Shared.Rent(content.Length);
        try
        {
            content[..first].CopyTo(buffer);
            var count = first;
            var i = first;
            while (i < content.Length)
            {
                var start = i;
                int codePoint;
                if (content[i] == (byte)'\\')
                {
                    if (!Escapes.TryRead(content, ref i, forValue: true, out codePoint, out error))
                    {
                        value = [];
                        errorAt = i;
                        return false;
                    }

                    count += new Rune(codePoint).EncodeToUtf8(buffer.AsSpan(count));
                }
                else if (TryReadRaw(content, ref i, out codePoint, out error))
                {
                    content[start..i].CopyTo(buffer.AsSpan(count));
                    count += i - start;
                }
                else
                {
                    value = [];
                    errorAt = i;
                    return false;
                }
            }

            value = buffer.AsSpan(0, count).ToArray();
            errorAt = 0;
            error = null;
            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one unescaped character, rejecting invalid UTF-8 and characters that must be escaped.</summary>
    private static bool TryReadRaw(ReadOnlySpan<byte> content, ref int i, out int codePoint, out string? error)
    {
        if (Rune.DecodeFromUtf8(content[i..], out var rune, out var consumed) != OperationStatus.Done)
        {
            codePoint = 0;
            error = "valid UTF-8 text (this byte sequence is not UTF-8)";
            return false;
        }

        codePoint = rune.Value;
        if (Escaping.NeedsUnicodeEscape(codePoint) || (codePoint < 0x80 && Escaping.HasShortEscape(codePoint)))
        {
            error = $"U+{codePoint:X4} to be escaped inside quotes";
            return false;
        }

        i += consumed;
        error = null;
        return true;
    }

    private static bool Fail(int at, out string value, out int errorAt)
    {
        value = string.Empty;
        errorAt = at;
        return false;
    }
}
