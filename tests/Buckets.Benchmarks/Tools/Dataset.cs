using System.Globalization;
using System.Text;

namespace Buckets.Benchmarks.Tools;

/// <summary>The entries every load and memory test uses, identical for Buckets and Redis.</summary>
public static class Dataset
{
    /// <summary>Key <paramref name="i"/>: 16 ASCII bytes, <c>key:000000000042</c>.</summary>
    public static string Key(long i) => "key:" + i.ToString("D12", CultureInfo.InvariantCulture);

    /// <summary>Value <paramref name="i"/> of <paramref name="size"/> ASCII bytes; never a number, so Redis keeps a string.</summary>
    public static string Value(long i, int size = 32)
    {
        var text = "v" + i.ToString("D12", CultureInfo.InvariantCulture) + "-";
        var builder = new StringBuilder(text, Math.Max(size, text.Length));
        while (builder.Length < size)
        {
            builder.Append((char)('a' + (builder.Length % 26)));
        }

        return builder.ToString(0, size);
    }

    public static byte[] ValueBytes(long i, int size = 32) => Encoding.ASCII.GetBytes(Value(i, size));
}
