using System.Buffers;
using System.Text;
using Buckets.Englang;

namespace Buckets.Benchmarks.Englang;

/// <summary>
/// A deterministic, realistic slice of a backup log: 600 change lines (sets with and without
/// expiry, text and binary values, deletes, expiry changes, a policy change) followed by a
/// 400-line snapshot (header, 398 entries, footer), all with 16-byte keys and 32-byte values.
/// The same seed gives the same bytes in every process, so the MB/s column can be computed by
/// the BenchmarkDotNet host from <see cref="AverageLineBytes"/>.
/// </summary>
public sealed class EnglangMix
{
    public const int ChangeLines = 600;
    public const int SnapshotEntries = 398;
    public const int Lines = ChangeLines + SnapshotEntries + 2;
    private const string BucketId = "7f3a9c2e1b4d";

    private static readonly Lazy<EnglangMix> Shared = new(() => new EnglangMix());

    private EnglangMix()
    {
        var random = new Random(20261125);
        var start = new DateTimeOffset(2026, 11, 25, 0, 31, 9, 123, TimeSpan.Zero);
        var records = new List<EnglangRecord>(Lines);
        var output = new ArrayBufferWriter<byte>(256 * 1024);
        for (var seq = 1; seq <= ChangeLines; seq++)
        {
            var at = start.AddMilliseconds(seq * 37);
            var key = Key(random.Next(100_000));
            var roll = random.Next(100);
            EnglangRecord record = roll switch
            {
                < 55 => new SetRecord(at, BucketId, seq, key, TextValue(random), null),
                < 75 => new SetRecord(at, BucketId, seq, key, TextValue(random), at.AddHours(1)),
                < 82 => new SetRecord(at, BucketId, seq, key, BinaryValue(random), null),
                < 94 => new DeleteRecord(at, BucketId, seq, key),
                < 99 => new ExpireRecord(at, BucketId, seq, key, at.AddDays(1)),
                _ => new PolicyRecord(at, BucketId, seq, EnglangDurability.Standard, TimeSpan.FromSeconds(3600)),
            };
            records.Add(record);
            EnglangWriter.Write(record, output);
        }

        var snapshotAt = start.AddMinutes(1);
        var entries = Enumerable.Range(0, SnapshotEntries)
            .Select(i => (Key(i * 251), i % 10 == 0 ? BinaryValue(random) : TextValue(random), i % 4 == 0 ? (DateTimeOffset?)snapshotAt.AddHours(2) : null, (long)(i + 1)))
            .ToList();
        var snapshotStart = output.WrittenCount;
        SnapshotWriter.Write(output, BucketId, snapshotAt, ChangeLines, EnglangDurability.Standard, null, entries);

        // Parse the snapshot back so the write benchmark writes exactly the same lines.
        foreach (var line in SplitLines(output.WrittenMemory[snapshotStart..]))
        {
            if (!EnglangParser.TryParse(line.Span, out var parsed, out var error))
            {
                throw new InvalidOperationException("The generated snapshot does not parse: " + error);
            }

            records.Add(parsed);
        }

        Records = records;
        Text = output.WrittenSpan.ToArray();
        LineRanges = [.. SplitRanges(Text)];
        if (Records.Count != Lines || LineRanges.Length != Lines)
        {
            throw new InvalidOperationException($"The mix has {Records.Count} records and {LineRanges.Length} lines; expected {Lines}.");
        }
    }

    public static EnglangMix Instance => Shared.Value;

    /// <summary>The records, in file order.</summary>
    public IReadOnlyList<EnglangRecord> Records { get; }

    /// <summary>The whole slice as UTF-8, line feeds included.</summary>
    public byte[] Text { get; }

    /// <summary>Where each line lies in <see cref="Text"/>, line feed excluded.</summary>
    public Range[] LineRanges { get; }

    /// <summary>Mean bytes per line, line feed included.</summary>
    public static double AverageLineBytes => (double)Instance.Text.Length / Lines;

    public static string Key(int i) => "user:" + i.ToString("D11", System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] TextValue(Random random)
    {
        // 32 bytes of the kind a cache holds: short JSON-ish text with a quote that needs escaping.
        var text = "{\"n\":" + random.Next(1_000_000_000).ToString("D10", System.Globalization.CultureInfo.InvariantCulture) + ",\"s\":\"abcdefghijklm\"}";
        return Encoding.UTF8.GetBytes(text[..32]);
    }

    private static byte[] BinaryValue(Random random)
    {
        var bytes = new byte[32];
        random.NextBytes(bytes);
        bytes[0] = 0xFF;
        return bytes;
    }

    private static IEnumerable<ReadOnlyMemory<byte>> SplitLines(ReadOnlyMemory<byte> text)
    {
        foreach (var range in SplitRanges(text.ToArray()))
        {
            yield return text[range];
        }
    }

    private static IEnumerable<Range> SplitRanges(byte[] text)
    {
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == (byte)'\n')
            {
                yield return new Range(start, i);
                start = i + 1;
            }
        }
    }
}
