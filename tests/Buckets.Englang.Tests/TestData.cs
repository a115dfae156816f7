using System.Text;

namespace Buckets.Englang.Tests;

/// <summary>Builders for lines, files and streams used across tests.</summary>
internal static class TestData
{
    public const string Bucket = "7f3a";

    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 0, 31, 9, 123, TimeSpan.Zero);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds);

    /// <summary>The bytes of the records' lines, one after another.</summary>
    public static byte[] ToBytes(IEnumerable<EnglangRecord> records)
    {
        using var stream = new MemoryStream();
        foreach (var record in records)
        {
            EnglangWriter.Write(record, stream);
        }

        return stream.ToArray();
    }

    /// <summary>Byte offsets where each line starts, plus the total length at the end.</summary>
    public static List<int> LineStarts(byte[] bytes)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return starts;
    }

    public static EnglangReadResult Read(byte[] bytes, string name = "test.englang") =>
        EnglangReader.Read(new MemoryStream(bytes), name);

    /// <summary>A line (without line feed) with a correct checksum for the given body.</summary>
    public static byte[] WithChecksum(ReadOnlySpan<byte> body)
    {
        var crc = System.IO.Hashing.Crc32.HashToUInt32(body);
        return [.. body, .. Encoding.ASCII.GetBytes($" [crc {crc:x8}]")];
    }

    /// <summary>A line (without line feed) with a correct checksum for the given body text.</summary>
    public static byte[] WithChecksum(string body) => WithChecksum(Encoding.UTF8.GetBytes(body));

    public static SetRecord Set(long seq, string key, string value, DateTimeOffset? expiresAt = null, int atSeconds = 0) =>
        new(At(atSeconds), Bucket, seq, key, Utf8(value), expiresAt);
}
