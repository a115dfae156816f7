using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Buckets.Englang;

namespace Buckets.Benchmarks.Englang;

/// <summary>Englang write and parse of one typical set line (16-byte key, 32-byte value, with expiry).</summary>
[MemoryDiagnoser]
public class EnglangBenchmarks
{
    private readonly SetRecord _record = new(
        new DateTimeOffset(2026, 11, 25, 0, 31, 9, 123, TimeSpan.Zero),
        "7f3a9c2e1b",
        42,
        "user:0000012345",
        Encoding.UTF8.GetBytes("a value of thirty-two bytes ...."),
        new DateTimeOffset(2026, 11, 26, 0, 31, 9, TimeSpan.Zero));

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private byte[] _line = [];

    [GlobalSetup]
    public void Setup() => _line = Encoding.UTF8.GetBytes(EnglangWriter.Format(_record).TrimEnd('\n'));

    [Benchmark]
    public int Write()
    {
        _buffer.ResetWrittenCount();
        return EnglangWriter.Write(_record, _buffer);
    }

    [Benchmark]
    public EnglangRecord? Parse() => EnglangParser.TryParse(_line, out var record, out _) ? record : null;
}
