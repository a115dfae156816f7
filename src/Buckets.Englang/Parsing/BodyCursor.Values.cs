using System.Buffers;
using System.Buffers.Text;

namespace Buckets.Englang;

/// <summary>Reading quoted keys, bucket ids and values.</summary>
internal ref partial struct BodyCursor
{
    private static readonly SearchValues<byte> Base64Bytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="u8);

    [ThreadStatic]
    private static byte[]? _lastBareId;

    [ThreadStatic]
    private static string? _lastBareIdString;

    /// <summary>Reads a quoted text as a .NET string.</summary>
    public bool ReadQuoted(out string value)
    {
        value = string.Empty;
        if (!TryFindQuoted(out var content))
        {
            return false;
        }

        if (!QuotedText.TryDecodeString(content, out value, out var errorAt, out var error))
        {
            return FailAt(_pos + 1 + errorAt, error!);
        }

        _pos += content.Length + 2;
        return true;
    }

    /// <summary>Reads a quoted key as <see cref="ReadQuoted"/> does, but one that needs no decoding stays a view of the line.</summary>
    public bool ReadKey(out KeyText key)
    {
        if (TryReadPlain(out var plain))
        {
            key = new KeyText(plain, null);
            return true;
        }

        var read = ReadQuoted(out var decoded);
        key = new KeyText(default, decoded);
        return read;
    }

    /// <summary>Reads a bucket id: bare (<c>A-Z a-z 0-9 - _ . :</c>) or quoted when it holds anything else.</summary>
    public bool ReadBucketId(out string value)
    {
        if (_pos < _text.Length && _text[_pos] == (byte)'"')
        {
            var start = _pos;
            if (!ReadQuoted(out value))
            {
                return false;
            }

            return !Escaping.IsBareId(value) || FailAt(start, "this bucket id without quotation marks");
        }

        var rest = _text[_pos..];
        var length = rest.IndexOfAnyExcept(Escaping.BareIdBytes);
        var id = length < 0 ? rest : rest[..length];
        if (id.IsEmpty)
        {
            value = string.Empty;
            return Fail("a bucket id");
        }

        value = CachedBareId(id);
        _pos += id.Length;
        return true;
    }

    /// <summary>Reads a value: quoted text, or <c>the bytes (base64) "..."</c> when it is not text. Quoted text that needs no decoding stays a view of the line.</summary>
    public bool ReadValue(out ValueBytes value)
    {
        if (TryReadPlain(out var plain))
        {
            value = new ValueBytes(plain, null);
            return true;
        }

        var read = DecodeValue(out var decoded);
        value = new ValueBytes(default, decoded);
        return read;
    }

    private bool DecodeValue(out byte[] value)
    {
        value = [];
        if (TryConsume("the bytes (base64) "u8))
        {
            return ReadBase64(out value);
        }

        if (!TryFindQuoted(out var content))
        {
            return false;
        }

        if (!QuotedText.TryDecodeBytes(content, out value, out var errorAt, out var error))
        {
            return FailAt(_pos + 1 + errorAt, error!);
        }

        _pos += content.Length + 2;
        return true;
    }

    private bool ReadBase64(out byte[] value)
    {
        value = [];
        if (!TryFindQuoted(out var content))
        {
            return false;
        }

        var start = _pos;
        var bad = content.IndexOfAnyExcept(Base64Bytes);
        if (bad >= 0 || content.Length % 4 != 0)
        {
            return FailAt(bad >= 0 ? start + 1 + bad : start, "base64 text (A-Z a-z 0-9 + / and = padding)");
        }

        var decoded = new byte[Base64.GetMaxDecodedFromUtf8Length(content.Length)];
        if (Base64.DecodeFromUtf8(content, decoded, out _, out var written) != OperationStatus.Done)
        {
            return FailAt(start, "valid base64 text");
        }

        value = written == decoded.Length ? decoded : decoded.AsSpan(0, written).ToArray();
        if (!IsCanonicalBase64(value, content))
        {
            return FailAt(start, "base64 with zero padding bits");
        }

        if (Escaping.IsTextValue(value))
        {
            return FailAt(start, "this value as quoted text, since it is valid UTF-8 without control characters");
        }

        _pos += content.Length + 2;
        return true;
    }

    private static bool IsCanonicalBase64(ReadOnlySpan<byte> value, ReadOnlySpan<byte> text)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(text.Length);
        try
        {
            Base64.EncodeToUtf8(value, buffer, out _, out var written);
            return buffer.AsSpan(0, written).SequenceEqual(text);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Consumes a quoted text at the cursor when it is plain (<see cref="QuotedText.IsPlain"/>) and gives its content; otherwise consumes nothing and records no error.</summary>
    private bool TryReadPlain(out ReadOnlySpan<byte> content)
    {
        content = default;
        if (_pos >= _text.Length || _text[_pos] != (byte)'"')
        {
            return false;
        }

        var rest = _text[(_pos + 1)..];
        var end = QuotedText.FindClosingQuote(rest);
        if (end < 0 || !QuotedText.IsPlain(rest[..end]))
        {
            return false;
        }

        content = rest[..end];
        _pos += end + 2;
        return true;
    }

    /// <summary>Finds the quoted text at the cursor without consuming it; the content excludes the quotation marks.</summary>
    private bool TryFindQuoted(out ReadOnlySpan<byte> content)
    {
        content = default;
        if (_pos >= _text.Length || _text[_pos] != (byte)'"')
        {
            return Fail("a quotation mark");
        }

        var rest = _text[(_pos + 1)..];
        var end = QuotedText.FindClosingQuote(rest);
        if (end < 0)
        {
            return FailAt(_text.Length, "a closing quotation mark");
        }

        content = rest[..end];
        return true;
    }

    /// <summary>Reuses the string of the last bare bucket id parsed on this thread (lines of one file share it).</summary>
    private static string CachedBareId(ReadOnlySpan<byte> id)
    {
        if (_lastBareIdString is { } cached && id.SequenceEqual(_lastBareId))
        {
            return cached;
        }

        var text = System.Text.Encoding.ASCII.GetString(id);
        _lastBareId = id.ToArray();
        _lastBareIdString = text;
        return text;
    }
}
