using System.Buffers;
using System.Buffers.Text;

namespace Buckets.Resp.Protocol;

/// <summary>
/// Reads commands from a connection's bytes: RESP arrays of bulk strings, and inline commands (a
/// line of words, as typed into telnet). Incremental: a bulk string is copied out of the buffer as
/// its bytes arrive, so a large value never has to sit whole in the transport's buffer, and what the
/// parser holds is bounded by the limits: argument count, bytes per bulk, bytes per command, inline
/// line length. Anything malformed is a <see cref="RespProtocolException"/> with Redis's message;
/// the connection then answers it and closes, as Redis does. One parser per connection; not thread-safe.
/// </summary>
public sealed class RespParser(RespParserLimits limits)
{
    // "*1048576\r\n" and "$1073741824\r\n" are far below this; a longer header is garbage.
    private const int MaxHeaderBytes = 32;

    private List<byte[]>? _args;
    private long _expected;
    private long _commandBytes;
    private byte[]? _bulk;
    private int _filled;

    /// <summary>True while a command has started but not yet arrived whole.</summary>
    public bool InCommand => _args is not null;

    /// <summary>
    /// Reads the next whole command from <paramref name="buffer"/>, which is sliced past every byte
    /// the parser has taken (whole commands and the arrived part of an unfinished one). Returns
    /// <c>false</c> when more bytes are needed.
    /// </summary>
    /// <exception cref="RespProtocolException">The bytes are not RESP or exceed a limit.</exception>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out byte[][] command)
    {
        var reader = new SequenceReader<byte>(buffer);
        try
        {
            return TryRead(ref reader, out command);
        }
        finally
        {
            buffer = buffer.Slice(reader.Position);
        }
    }

    private bool TryRead(ref SequenceReader<byte> reader, out byte[][] command)
    {
        command = [];
        while (_args is null)
        {
            if (!reader.TryPeek(out var first))
            {
                return false;
            }

            if (first != (byte)'*')
            {
                if (!TryReadInline(ref reader, out command))
                {
                    return false;
                }

                if (command.Length > 0)
                {
                    return true;
                }

                // An empty line is skipped, as Redis does (a telnet user pressing enter).
                continue;
            }

            var start = reader;
            if (!TryReadHeader(ref reader, "invalid multibulk length", out var count))
            {
                reader = start;
                return false;
            }

            if (count > limits.MaxArguments)
            {
                throw new RespProtocolException("invalid multibulk length");
            }

            if (count > 0)
            {
                // Grown as arguments arrive: a declared count costs nothing until its bulks come.
                _args = new List<byte[]>((int)Math.Min(count, 16));
                _expected = count;
                _commandBytes = 0;
            }

            // "*0" and "*-1" are empty commands that Redis skips.
        }

        while (_args.Count < _expected)
        {
            if (_bulk is null)
            {
                if (!reader.TryPeek(out var marker))
                {
                    return false;
                }

                if (marker != (byte)'$')
                {
                    throw new RespProtocolException($"expected '$', got '{Printable(marker)}'");
                }

                var start = reader;
                if (!TryReadHeader(ref reader, "invalid bulk length", out var length))
                {
                    reader = start;
                    return false;
                }

                if (length < 0 || length > limits.MaxBulkBytes)
                {
                    throw new RespProtocolException("invalid bulk length");
                }

                _commandBytes += length;
                if (_commandBytes > limits.MaxCommandBytes)
                {
                    throw new RespProtocolException($"command larger than {limits.MaxCommandBytes} bytes (Buckets:Resp:MaxCommandBytes)");
                }

                _bulk = length == 0 ? [] : new byte[length];
                _filled = 0;
            }

            var take = (int)Math.Min(_bulk.Length - _filled, reader.Remaining);
            if (take > 0)
            {
                reader.TryCopyTo(_bulk.AsSpan(_filled, take));
                reader.Advance(take);
                _filled += take;
            }

            if (_filled < _bulk.Length || reader.Remaining < 2)
            {
                return false;
            }

            if (!reader.IsNext("\r\n"u8, advancePast: true))
            {
                throw new RespProtocolException("expected '\\r\\n' after a bulk string");
            }

            _args.Add(_bulk);
            _bulk = null;
        }

        command = [.. _args];
        _args = null;
        return true;
    }

    /// <summary>Reads "*N\r\n" or "$N\r\n" (the marker already peeked); false when the line has not arrived.</summary>
    private static bool TryReadHeader(ref SequenceReader<byte> reader, string error, out long value)
    {
        value = 0;
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            if (reader.Remaining > MaxHeaderBytes)
            {
                throw new RespProtocolException(error);
            }

            return false;
        }

        if (line.Length > MaxHeaderBytes || line.Length < 3)
        {
            throw new RespProtocolException(error);
        }

        Span<byte> text = stackalloc byte[MaxHeaderBytes];
        line.CopyTo(text);
        var digits = text[1..(int)line.Length];
        if (digits[^1] != (byte)'\r' || !Utf8Parser.TryParse(digits[..^1], out value, out var consumed) || consumed != digits.Length - 1)
        {
            throw new RespProtocolException(error);
        }

        return true;
    }

    /// <summary>Reads one inline line; true with no words for an empty line.</summary>
    private bool TryReadInline(ref SequenceReader<byte> reader, out byte[][] command)
    {
        command = [];
        if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
        {
            if (reader.Remaining > limits.MaxInlineBytes)
            {
                throw new RespProtocolException("too big inline request");
            }

            return false;
        }

        if (line.Length > limits.MaxInlineBytes)
        {
            throw new RespProtocolException("too big inline request");
        }

        var words = InlineWords.Split(line.IsSingleSegment ? line.FirstSpan : line.ToArray());
        if (words.Count > limits.MaxArguments)
        {
            throw new RespProtocolException("invalid multibulk length");
        }

        command = [.. words];
        return true;
    }

    private static char Printable(byte b) => b is >= 0x20 and < 0x7f ? (char)b : '?';
}
