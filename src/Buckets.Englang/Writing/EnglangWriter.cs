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

    /// <summary>Writes a validated record into a span of at least <see cref="RecordRules.MaxLineBytes"/> bytes.</summary>
    internal static int WriteLine(EnglangRecord record, Span<byte> destination)
    {
        var line = new LineBuilder(destination);
        line.Append("On "u8);
        line.AppendTimestamp(record.At);
        line.Append(", bucket "u8);
        line.AppendBucketId(record.BucketId);
        line.Append((byte)' ');
        EventWriter.Write(ref line, record);
        line.Append((byte)'.');
        var crc = LineChecksum.Compute(line.Written);
        line.Append(" [crc "u8);
        line.AppendHex8(crc);
        line.Append("]\n"u8);
        return line.Length;
    }
}
