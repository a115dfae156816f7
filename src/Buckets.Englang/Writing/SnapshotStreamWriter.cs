using System.Buffers;

namespace Buckets.Englang;

/// <summary>
/// Writes one snapshot a piece at a time (header, entries, footer) so a caller can hand the lines on
/// in bounded chunks instead of holding the whole snapshot: the digest and the entry count are kept
/// here between pieces. The entry count is fixed up front because the header states it. Not
/// thread-safe; dispose it to release the digest.
/// </summary>
public sealed class SnapshotStreamWriter : IDisposable
{
    private readonly SnapshotDigest _digest = new();

    // "On TIME, bucket ID ": the same for every line of one snapshot, so an entry copies it instead
    // of formatting it again (snapshots of a million entries are written at compaction and moves).
    private readonly byte[] _start;
    private readonly DateTimeOffset _at;
    private readonly string _bucketId;
    private readonly long _seq;
    private readonly long _count;
    private long _written;
    private bool _headerWritten;

    /// <summary>Starts a snapshot of <paramref name="entryCount"/> entries as of change <paramref name="seq"/>; every line carries <paramref name="at"/>.</summary>
    public SnapshotStreamWriter(string bucketId, DateTimeOffset at, long seq, string durability, TimeSpan? defaultTtl, long entryCount)
    {
        _bucketId = bucketId;
        _at = at;
        _seq = seq;
        _count = entryCount;
        Header = new SnapshotHeaderRecord(at, bucketId, seq, entryCount, durability, defaultTtl);
        ArgumentNullException.ThrowIfNull(bucketId);
        var line = new LineBuilder(new byte[RecordRules.MaxLineBytes(bucketId, 0, 0)]);
        EnglangWriter.AppendStart(ref line, at, bucketId);
        _start = line.Written.ToArray();
    }

    /// <summary>The header this snapshot begins with.</summary>
    public SnapshotHeaderRecord Header { get; }

    public void WriteHeader(IBufferWriter<byte> output)
    {
        if (_headerWritten)
        {
            throw new InvalidOperationException("The snapshot header was already written.");
        }

        Write(Header, output, _digest);
        _headerWritten = true;
    }

    public void WriteEntry(IBufferWriter<byte> output, string key, byte[] value, DateTimeOffset? expiresAt, long version)
    {
        if (!_headerWritten || _written == _count)
        {
            throw new InvalidOperationException($"An entry can only follow the header, and at most {_count} of them.");
        }

        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        var span = output.GetSpan(RecordRules.MaxLineBytes(_bucketId, key.Length, value.Length));
        var line = new LineBuilder(span);
        line.Append(_start);
        SnapshotEventWriter.AppendHeld(ref line, key, value, expiresAt, version);
        var length = EnglangWriter.AppendEnd(ref line);
        _digest.AppendLine(span[..length]);
        output.Advance(length);
        _written++;
    }

    /// <summary>Ends the snapshot; throws when fewer entries were written than the header promised.</summary>
    public SnapshotFooterRecord WriteFooter(IBufferWriter<byte> output)
    {
        if (!_headerWritten || _written != _count)
        {
            throw new InvalidOperationException($"The entries changed while the snapshot was written ({_count} counted, {_written} enumerated).");
        }

        var footer = new SnapshotFooterRecord(_at, _bucketId, _seq, _count, _digest.Finish());
        Write(footer, output, null);
        return footer;
    }

    public void Dispose() => _digest.Dispose();

    private static void Write(EnglangRecord record, IBufferWriter<byte> output, SnapshotDigest? digest)
    {
        RecordRules.Validate(record);
        var span = output.GetSpan(RecordRules.MaxLineBytes(record));
        var length = EnglangWriter.WriteLine(record, span);
        digest?.AppendLine(span[..length]);
        output.Advance(length);
    }
}
