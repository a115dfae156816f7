using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Buckets.Englang;

/// <summary>Appends the pieces of one Englang line to a span that is known to be large enough.</summary>
internal ref struct LineBuilder
{
    private readonly Span<byte> _buffer;
    private int _length;

    public LineBuilder(Span<byte> buffer)
    {
        _buffer = buffer;
        _length = 0;
    }

    public readonly int Length => _length;

    public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

    public void Append(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[_length..]);
        _length += bytes.Length;
    }

    public void Append(byte value) => _buffer[_length++] = value;

    public void AppendNumber(long value)
    {
        value.TryFormat(_buffer[_length..], out var written, default, CultureInfo.InvariantCulture);
        _length += written;
    }

    /// <summary>Appends <c>YYYY-MM-DD at HH:MM:SS.fff UTC</c>, truncating to milliseconds.</summary>
    public void AppendTimestamp(DateTimeOffset value)
    {
        var utc = value.UtcDateTime;
        AppendDigits(utc.Year, 4);
        Append((byte)'-');
        AppendDigits(utc.Month, 2);
        Append((byte)'-');
        AppendDigits(utc.Day, 2);
        Append(" at "u8);
        AppendDigits(utc.Hour, 2);
        Append((byte)':');
        AppendDigits(utc.Minute, 2);
        Append((byte)':');
        AppendDigits(utc.Second, 2);
        Append((byte)'.');
        AppendDigits(utc.Millisecond, 3);
        Append(" UTC"u8);
    }

    /// <summary>Appends eight lowercase hex digits.</summary>
    public void AppendHex8(uint value)
    {
        for (var shift = 28; shift >= 0; shift -= 4)
        {
            Append((byte)"0123456789abcdef"[(int)((value >> shift) & 0xF)]);
        }
    }

    /// <summary>Appends text known to be ASCII.</summary>
    public void AppendAscii(string text) => _length += Encoding.ASCII.GetBytes(text, _buffer[_length..]);

    /// <summary>Appends a bucket id: bare when it is made of safe characters, quoted otherwise.</summary>
    public void AppendBucketId(string bucketId)
    {
        if (Escaping.IsBareId(bucketId))
        {
            AppendAscii(bucketId);
        }
        else
        {
            AppendQuoted(bucketId);
        }
    }

    /// <summary>Appends a .NET string in quotes, escaping as the format requires (including unpaired surrogates).</summary>
    public void AppendQuoted(scoped ReadOnlySpan<char> text)
    {
        Append((byte)'"');
        for (var i = 0; i < text.Length; i++)
        {
            int codePoint = text[i];
            if (codePoint < 0x80)
            {
                AppendAscii((byte)codePoint);
                continue;
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                codePoint = char.ConvertToUtf32(text[i], text[i + 1]);
                i++;
            }

            if (Escaping.NeedsUnicodeEscape(codePoint))
            {
                AppendUnicodeEscape(codePoint);
            }
            else
            {
                _length += new Rune(codePoint).EncodeToUtf8(_buffer[_length..]);
            }
        }

        Append((byte)'"');
    }

    /// <summary>Appends a value: quoted text when <see cref="Escaping.IsTextValue"/>, labelled base64 otherwise.</summary>
    public void AppendValue(scoped ReadOnlySpan<byte> value)
    {
        if (!Escaping.IsTextValue(value))
        {
            Append("the bytes (base64) \""u8);
            Base64.EncodeToUtf8(value, _buffer[_length..], out _, out var written);
            _length += written;
            Append((byte)'"');
            return;
        }

        Append((byte)'"');
        var rest = value;
        while (!rest.IsEmpty)
        {
            var special = rest.IndexOfAny(Escaping.TextSpecialBytes);
            if (special < 0)
            {
                Append(rest);
                break;
            }

            Append(rest[..special]);
            rest = rest[special..];
            if (rest[0] < 0x80)
            {
                AppendAscii(rest[0]);
                rest = rest[1..];
                continue;
            }

            Rune.DecodeFromUtf8(rest, out var rune, out var consumed);
            if (Escaping.NeedsUnicodeEscape(rune.Value))
            {
                AppendUnicodeEscape(rune.Value);
            }
            else
            {
                Append(rest[..consumed]);
            }

            rest = rest[consumed..];
        }

        Append((byte)'"');
    }

    private void AppendAscii(byte value)
    {
        switch (value)
        {
            case (byte)'"':
                Append("\\\""u8);
                break;
            case (byte)'\\':
                Append("\\\\"u8);
                break;
            case (byte)'\n':
                Append("\\n"u8);
                break;
            case (byte)'\r':
                Append("\\r"u8);
                break;
            case (byte)'\t':
                Append("\\t"u8);
                break;
            case < 0x20 or 0x7F:
                AppendUnicodeEscape(value);
                break;
            default:
                Append(value);
                break;
        }
    }

    private void AppendUnicodeEscape(int codePoint)
    {
        Append("\\u{"u8);
        codePoint.TryFormat(_buffer[_length..], out var written, "X", CultureInfo.InvariantCulture);
        _length += written;
        Append((byte)'}');
    }

    private void AppendDigits(int value, int width)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            _buffer[_length + i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        _length += width;
    }
}
