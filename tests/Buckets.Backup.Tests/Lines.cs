using System.Text;
using Buckets.Englang;

namespace Buckets.Backup.Tests;

/// <summary>Builds Englang change lines for tests.</summary>
internal static class Lines
{
    public static byte[] Of(params EnglangRecord[] records) =>
        Encoding.UTF8.GetBytes(string.Concat(records.Select(EnglangWriter.Format)));

    public static SetRecord Set(string bucket, long seq, string key, string value, DateTimeOffset at, DateTimeOffset? expiresAt = null) =>
        new(at, bucket, seq, key, Encoding.UTF8.GetBytes(value), expiresAt);

    public static DeleteRecord Delete(string bucket, long seq, string key, DateTimeOffset at) => new(at, bucket, seq, key);

    /// <summary>The byte offset where the 1-based <paramref name="line"/> of <paramref name="bytes"/> starts.</summary>
    public static int IndexOfLine(byte[] bytes, int line)
    {
        var offset = 0;
        for (var i = 1; i < line; i++)
        {
            offset = Array.IndexOf(bytes, (byte)'\n', offset) + 1;
        }

        return offset;
    }

    /// <summary>Sets <c>key{seq}</c> to <c>value{seq}</c> for every change in the range, one second apart.</summary>
    public static byte[] Range(string bucket, long from, long to, DateTimeOffset start) =>
        Of([.. Enumerable.Range(0, checked((int)(to - from + 1)))
            .Select(i => (EnglangRecord)Set(bucket, from + i, $"key{from + i}", $"value{from + i}", start.AddSeconds(from + i)))]);
}
