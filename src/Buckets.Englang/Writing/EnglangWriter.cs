using System.Buffers;
using System.Text;

namespace Buckets.Englang;

/// <summary>
/// Writes records as Englang lines: UTF-8 text ending in <c> [crc xxxxxxxx]</c> and a line feed.
/// <list type="bullet">
/// <item><c>static int Write(EnglangRecord, IBufferWriter&lt;byte&gt;)</c> appends one line and returns its length in bytes.</item>
/// <item><c>static void Write(EnglangRecord, Stream)</c> and <c>WriteAsync</c> write one line to a stream.</item>
/// <item><c>static string Format(EnglangRecord)</c> returns the line as a string (line feed included).</item>
/// </list>
/// Times are written in UTC truncated to milliseconds. Records that cannot be represented (null
/// key or value, negative sequence numbers, an unknown durability, a default TTL that is not a
/// whole number of seconds, a digest that is not 32 lowercase hex digits) throw <see cref="ArgumentException"/>.
/// </summary>
public static class EnglangWriter
{
    /// <summary>
    /// True when a value is written as quoted text (valid UTF-8 without control characters other than
    /// tab, line feed and carriage return), false when it is written as base64; other formats (CSV) follow the same rule.
    /// </summary>
    public static bool IsTextValue(ReadOnlySpan<byte> value) => Escaping.IsTextValue(value);

    /// <summary>Appends the record's line (line feed included) to <paramref name="output"/>; returns the bytes written.</summary>
    public static int Write(EnglangRecord record, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        RecordRules.Validate(record);
        var span = output.GetSpan(RecordRules.MaxLineBytes(record));
        var length = WriteLine(record, span);
        output.Advance(length);
        return length;
    }

    /// <summary>Writes the record's line (line feed included) to <paramref name="output"/>; returns the bytes written.</summary>
    public static int Write(EnglangRecord record, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        RecordRules.Validate(record);
        var buffer = ArrayPool<byte>.Shared.Rent(RecordRules.MaxLineBytes(record));
        try
        {
            var length = WriteLine(record, buffer);
            output.Write(buffer, 0, length);
            return length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the record's line (line feed included) to <paramref name="output"/>; returns the bytes written.</summary>
    public static async ValueTask<int> WriteAsync(EnglangRecord record, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        RecordRules.Validate(record);
        var buffer = ArrayPool<byte>.Shared.Rent(RecordRules.MaxLineBytes(record));
        try
        {
            var length = WriteLine(record, buffer);
            await output.WriteAsync(buffer.AsMemory(0, length), cancellationToken);
            return length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Returns the record's full line, line feed included.</summary>
    public static string Format(EnglangRecord record)
    {
        RecordRules.Validate(record);
        var buffer = ArrayPool<byte>.Shared.Rent(RecordRules.MaxLineBytes(record));
        try
        {
            var length = WriteLine(record, buffer);
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Appends the line of a set, as <see cref="Write(EnglangRecord, IBufferWriter{byte})"/> writes a
    /// <see cref="SetRecord"/>, from spans: a backup batch is written from a bucket's journal, which
    /// holds its changes as bytes, without a key string, value array and record per change.
    /// </summary>
    public static int WriteSet(IBufferWriter<byte> output, DateTimeOffset at, string bucketId, long seq, ReadOnlySpan<char> key, ReadOnlySpan<byte> value, DateTimeOffset? expiresAt)
    {
        var line = BeginLine(output, at, bucketId, seq, key.Length, value.Length);
        EventWriter.AppendSet(ref line, key, value, expiresAt, seq);
        return EndLine(ref line, output);
    }

    /// <summary>
    /// Appends the line of a deletion, as a <see cref="DeleteRecord"/> writes it, from a span:
    /// <paramref name="expired"/> for a removal at expiry, which reached <paramref name="deadline"/>.
    /// </summary>
    public static int WriteDelete(IBufferWriter<byte> output, DateTimeOffset at, string bucketId, long seq, ReadOnlySpan<char> key, bool expired, DateTimeOffset? deadline)
    {
        var line = BeginLine(output, at, bucketId, seq, key.Length, 0);
        EventWriter.AppendDelete(ref line, key, expired, deadline, seq);
        return EndLine(ref line, output);
    }

    /// <summary>Writes a validated record into a span of at least <see cref="RecordRules.MaxLineBytes(EnglangRecord)"/> bytes.</summary>
    internal static int WriteLine(EnglangRecord record, Span<byte> destination)
    {
        var line = new LineBuilder(destination);
        AppendStart(ref line, record.At, record.BucketId);
        EventWriter.Write(ref line, record);
        return AppendEnd(ref line);
    }

    private static LineBuilder BeginLine(IBufferWriter<byte> output, DateTimeOffset at, string bucketId, long seq, int keyChars, int valueBytes)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(bucketId);
        ArgumentOutOfRangeException.ThrowIfNegative(seq);
        var line = new LineBuilder(output.GetSpan(RecordRules.MaxLineBytes(bucketId, keyChars, valueBytes)));
        AppendStart(ref line, at, bucketId);
        return line;
    }

    private static int EndLine(ref LineBuilder line, IBufferWriter<byte> output)
    {
        var length = AppendEnd(ref line);
        output.Advance(length);
        return length;
    }

    internal static void AppendStart(ref LineBuilder line, DateTimeOffset at, string bucketId)
    {
        line.Append("On "u8);
        line.AppendTimestamp(at);
        line.Append(", bucket "u8);
        line.AppendBucketId(bucketId);
        line.Append((byte)' ');
    }

    internal static int AppendEnd(ref LineBuilder line)
    {
        line.Append((byte)'.');
        var crc = LineChecksum.Compute(line.Written);
        line.Append(" [crc "u8);
        line.AppendHex8(crc);
        line.Append("]\n"u8);
        return line.Length;
    }
}
