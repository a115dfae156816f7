using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Buckets.Englang;

namespace Buckets.Benchmarks.Englang;

/// <summary>
/// Englang write and parse: one typical set line (16-byte key, 32-byte value, with expiry), and
/// the realistic <see cref="EnglangMix"/> of change and snapshot lines, per line (Lines/s, MB/s).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EnglangConfig))]
public class EnglangBenchmarks
{
    private readonly SetRecord _record = new(
        new DateTimeOffset(2026, 11, 25, 0, 31, 9, 123, TimeSpan.Zero),
        "7f3a9c2e1b",
        42,
        "user:0000012345",
        Encoding.UTF8.GetBytes("a value of thirty-two bytes ...."),
        new DateTimeOffset(2026, 11, 26, 0, 31, 9, TimeSpan.Zero));

    private readonly ArrayBufferWriter<byte> _buffer = new(256 * 1024);
    private byte[] _line = [];
    private EnglangMix _mix = null!;

    /// <summary>Bytes one operation handles, by benchmark name (line feed included).</summary>
    public static double? BytesPerOperation(string method) => method switch
    {
        nameof(Write) or nameof(Parse) => Encoding.UTF8.GetByteCount(EnglangWriter.Format(SampleRecord())),
        nameof(WriteMix) or nameof(ParseMix) or nameof(ReadMix) => EnglangMix.AverageLineBytes,
        _ => null,
    };

    [GlobalSetup]
    public void Setup()
    {
        _line = Encoding.UTF8.GetBytes(EnglangWriter.Format(_record).TrimEnd('\n'));
        _mix = EnglangMix.Instance;
    }

    [Benchmark(Description = "Write one set line")]
    public int Write()
    {
        _buffer.ResetWrittenCount();
        return EnglangWriter.Write(_record, _buffer);
    }

    [Benchmark(Description = "Parse one set line")]
    public EnglangRecord? Parse() => EnglangParser.TryParse(_line, out var record, out _) ? record : null;

    [Benchmark(Description = "Write mix (per line)", OperationsPerInvoke = EnglangMix.Lines)]
    public int WriteMix()
    {
        _buffer.ResetWrittenCount();
        var records = _mix.Records;
        var total = 0;
        for (var i = 0; i < records.Count; i++)
        {
            total += EnglangWriter.Write(records[i], _buffer);
        }

        return total;
    }

    [Benchmark(Description = "Parse mix (per line)", OperationsPerInvoke = EnglangMix.Lines)]
    public int ParseMix()
    {
        var text = _mix.Text.AsSpan();
        var parsed = 0;
        foreach (var range in _mix.LineRanges)
        {
            if (EnglangParser.TryParse(text[range], out _, out _))
            {
                parsed++;
            }
        }

        return parsed;
    }

    [Benchmark(Description = "Read mix from a stream (per line)", OperationsPerInvoke = EnglangMix.Lines)]
    public long ReadMix()
    {
        using var stream = new MemoryStream(_mix.Text, writable: false);
        using var reader = new EnglangReader(stream, "mix");
        long lines = 0;
        while (reader.TryRead(out _))
        {
            lines++;
        }

        return lines;
    }

    private static SetRecord SampleRecord() => new EnglangBenchmarks()._record;
}
