using System.Buffers;

namespace Buckets.Englang;

/// <summary>
/// Splits a stream into lines at '\n' with one pooled, growing buffer. The current line's bytes
/// stay valid until the next <see cref="MoveNext"/>. Lines longer than the limit are skipped and
/// reported as too long.
/// </summary>
internal sealed class LineSource : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _maxLineBytes;
    private byte[] _buffer;
    private long _bufferOffset;
    private int _start;
    private int _end;
    private int _lineStart;
    private bool _eof;

    public LineSource(Stream stream, bool leaveOpen, int maxLineBytes, int initialBufferBytes)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _maxLineBytes = maxLineBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(initialBufferBytes, maxLineBytes + 1));
    }

    /// <summary>The byte offset of the current line.</summary>
    public long LineOffset { get; private set; }

    /// <summary>The current line's length without its line feed.</summary>
    public long LineLength { get; private set; }

    /// <summary>False when the current line is the end of the stream without a line feed.</summary>
    public bool Terminated { get; private set; }

    /// <summary>True when the current line exceeded the limit; its bytes are not available.</summary>
    public bool TooLong { get; private set; }

    /// <summary>The bytes consumed so far (the end of the current line, line feed included).</summary>
    public long Consumed => _bufferOffset + _start;

    /// <summary>The current line without its line feed (empty when <see cref="TooLong"/>).</summary>
    public ReadOnlySpan<byte> Line => TooLong ? default : _buffer.AsSpan(_lineStart, (int)LineLength);

    public bool MoveNext()
    {
        var scanned = 0;
        while (true)
        {
            var newline = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                SetLine(_start, scanned + newline, terminated: true);
                _start += scanned + newline + 1;
                return true;
            }

            scanned = _end - _start;
            if (_eof)
            {
                if (scanned == 0)
                {
                    return false;
                }

                SetLine(_start, scanned, terminated: false);
                _start = _end;
                return true;
            }

            if (scanned > _maxLineBytes)
            {
                return SkipLongLine();
            }

            Fill();
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    private void SetLine(int start, int length, bool terminated)
    {
        _lineStart = start;
        LineOffset = _bufferOffset + start;
        LineLength = length;
        Terminated = terminated;
        TooLong = false;
    }

    /// <summary>Makes room (compacting, then growing up to the limit) and reads more bytes.</summary>
    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _bufferOffset += _start;
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)_buffer.Length * 2, _maxLineBytes + 1L));
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }

    /// <summary>Discards a line longer than the limit up to and including its line feed.</summary>
    private bool SkipLongLine()
    {
        var offset = _bufferOffset + _start;
        long length = 0;
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                length += newline;
                _start += newline + 1;
                SetTooLong(offset, length, terminated: true);
                return true;
            }

            length += _end - _start;
            _start = _end;
            if (_eof)
            {
                SetTooLong(offset, length, terminated: false);
                return true;
            }

            Fill();
        }
    }

    private void SetTooLong(long offset, long length, bool terminated)
    {
        LineOffset = offset;
        LineLength = length;
        Terminated = terminated;
        TooLong = true;
    }
}
