using System.Buffers;
using System.Text;

namespace Buckets.Englang.Tests;

/// <summary>
/// A short history of bucket 7f3a with one example of every record kind; docs/englang.md shows
/// exactly these lines.
/// </summary>
internal static class GoldenExamples
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 0, 31, 9, 123, TimeSpan.Zero);

    public static readonly byte[] PngHeader = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static IReadOnlyList<EnglangRecord> Changes { get; } =
    [
        new SetRecord(Start, "7f3a", 42, "cart", Encoding.UTF8.GetBytes("3 apples"), new DateTimeOffset(2026, 11, 26, 0, 31, 9, 0, TimeSpan.Zero)),
        new SetRecord(Start.AddSeconds(1), "7f3a", 43, "note", Encoding.UTF8.GetBytes("line 1\nline 2 \"quoted\""), null),
        new SetRecord(Start.AddSeconds(2), "7f3a", 44, "avatar.png", PngHeader, null),
        new DeleteRecord(Start.AddSeconds(3), "7f3a", 45, "cart"),
        new ExpireRecord(Start.AddSeconds(4), "7f3a", 46, "note", new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero)),
        new ExpireRecord(Start.AddSeconds(5), "7f3a", 47, "note", null),
        new PolicyRecord(Start.AddSeconds(6), "7f3a", 48, EnglangDurability.Critical, TimeSpan.FromSeconds(3600)),
    ];

    public static DateTimeOffset SnapshotAt => Start.AddMinutes(1);

    public static IReadOnlyList<EnglangRecord> Later { get; } =
    [
        new ClearRecord(Start.AddMinutes(2), "7f3a", 49),
        new EraseRecord(Start.AddMinutes(3), "7f3a", 50),
    ];

    /// <summary>The snapshot as of change 48, written by <see cref="SnapshotWriter"/>.</summary>
    public static byte[] SnapshotBytes()
    {
        var buffer = new ArrayBufferWriter<byte>();
        SnapshotWriter.Write(buffer, "7f3a", SnapshotAt, 48, EnglangDurability.Critical, TimeSpan.FromSeconds(3600),
        [
            ("avatar.png", PngHeader, null, 44),
            ("note", Encoding.UTF8.GetBytes("line 1\nline 2 \"quoted\""), null, 47),
        ]);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Every line of the example history, in order, line feeds included.</summary>
    public static IEnumerable<string> AllLines()
    {
        foreach (var record in Changes)
        {
            yield return EnglangWriter.Format(record);
        }

        foreach (var line in Encoding.UTF8.GetString(SnapshotBytes()).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            yield return line + "\n";
        }

        foreach (var record in Later)
        {
            yield return EnglangWriter.Format(record);
        }
    }
}
