namespace Buckets.Grains.Backup;

/// <summary>
/// Reads consecutive pieces as one stream, so a whole bucket that arrived in bounded pieces (a
/// migration hand-off, a restore read from the backup server) is replayed without first being
/// copied into one buffer as large as the bucket. Read-only, forward-only, not thread-safe.
/// </summary>
internal sealed class PiecesStream(IReadOnlyList<byte[]> pieces) : Stream
{
    private int _piece;
    private int _offset;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var copied = 0;
        while (copied < buffer.Length && _piece < pieces.Count)
        {
            var rest = pieces[_piece].AsSpan(_offset);
            var take = Math.Min(rest.Length, buffer.Length - copied);
            rest[..take].CopyTo(buffer[copied..]);
            copied += take;
            _offset += take;
            if (_offset == pieces[_piece].Length)
            {
                _piece++;
                _offset = 0;
            }
        }

        return copied;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
