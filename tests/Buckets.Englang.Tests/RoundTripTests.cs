using System.Buffers;
using System.Text;
using CsCheck;

namespace Buckets.Englang.Tests;

public class RoundTripTests
{
    private const long Iterations = 2000;

    public static TheoryData<string, byte[]> NastyKeysAndValues => new()
    {
        { "plain", TestData.Utf8("3 apples") },
        { "", [] },
        { "quote \" and backslash \\", TestData.Utf8("\"quoted\" \\ \\\\") },
        { "new\nline\r\n\ttab", TestData.Utf8("line one\nline two\r\n\tindented") },
        { "nul \0 and \u0001 and \u007F and \u0085", [0, 1, 2, 3] },
        { "emoji 😀 👩‍👩‍👧 日本語 é", TestData.Utf8("emoji 😀 value") },
        { "lone \uD800 high and \uDC00 low", [0xFF, 0xFE, 0xFD] },
        { "separators \u2028 \u2029 bidi \u202E \u2066 bom \uFEFF", TestData.Utf8("\u2028\u202E\uFEFF\u061C") },
        { "looks like syntax\" (change 1). [crc 00000000]", TestData.Utf8("\" (change 9). [crc deadbeef]") },
        { "\\u{41}", TestData.Utf8("\\u{41} \\n") },
        { "invalid utf-8", [(byte)'a', 0xC0, 0x80, (byte)'b'] },
        { "encoded surrogate", [0xED, 0xA0, 0x80] },
        { "c1 control", [0xC2, 0x80] },
    };

    [Fact]
    public void SetRecordsRoundTrip() => AssertRoundTrips(Generators.Set);

    [Fact]
    public void DeleteRecordsRoundTrip() => AssertRoundTrips(Generators.Delete);

    [Fact]
    public void ExpireRecordsRoundTrip() => AssertRoundTrips(Generators.Expire);

    [Fact]
    public void PolicyRecordsRoundTrip() => AssertRoundTrips(Generators.Policy);

    [Fact]
    public void EraseRecordsRoundTrip() => AssertRoundTrips(Generators.Erase);

    [Fact]
    public void ClearRecordsRoundTrip() => AssertRoundTrips(Generators.Clear);

    [Fact]
    public void SnapshotHeaderRecordsRoundTrip() => AssertRoundTrips(Generators.SnapshotHeader);

    [Fact]
    public void SnapshotEntryRecordsRoundTrip() => AssertRoundTrips(Generators.SnapshotEntry);

    [Fact]
    public void SnapshotFooterRecordsRoundTrip() => AssertRoundTrips(Generators.SnapshotFooter);

    [Theory]
    [MemberData(nameof(NastyKeysAndValues))]
    public void NastyKeysAndValuesRoundTripInEveryKeyedKind(string key, byte[] value)
    {
        EnglangRecord[] records =
        [
            new SetRecord(TestData.T0, key, 1, key, value, TestData.T0.AddDays(1)),
            new DeleteRecord(TestData.T0, key, 2, key),
            new ExpireRecord(TestData.T0, key, 3, key, null),
            new SnapshotEntryRecord(TestData.T0, key, key, value, null, 4),
        ];
        foreach (var record in records)
        {
            AssertRoundTrip(record);
        }
    }

    [Fact]
    public void ParsingThenWritingReproducesTheLineExactly() =>
        Generators.Record.Sample(record =>
        {
            var line = EnglangWriter.Format(record);
            Assert.True(EnglangParser.TryParse(line, out var parsed, out var error), error);
            Assert.Equal(line, EnglangWriter.Format(parsed));
        }, iter: Iterations);

    [Fact]
    public void EveryLineIsOneLineOfValidUtf8EndingInAChecksum() =>
        Generators.Record.Sample(record =>
        {
            var buffer = new ArrayBufferWriter<byte>();
            EnglangWriter.Write(record, buffer);
            var bytes = buffer.WrittenSpan;
            Assert.True(System.Text.Unicode.Utf8.IsValid(bytes));
            Assert.Equal(bytes.Length - 1, bytes.IndexOf((byte)'\n'));
            Assert.Equal(-1, bytes.IndexOf((byte)'\r'));
            Assert.Equal(-1, bytes.IndexOf("\u2028"u8));
            Assert.Matches(@" \[crc [0-9a-f]{8}\]\n\z", Encoding.UTF8.GetString(bytes));
        }, iter: Iterations);

    [Fact]
    public void WritingToABufferWriterOrStreamGivesTheSameBytesAsFormat() =>
        Generators.Record.Sample(record =>
        {
            var expected = Encoding.UTF8.GetBytes(EnglangWriter.Format(record));
            var buffer = new ArrayBufferWriter<byte>(1);
            Assert.Equal(expected.Length, EnglangWriter.Write(record, buffer));
            Assert.Equal(expected, buffer.WrittenSpan.ToArray());
            using var stream = new MemoryStream();
            Assert.Equal(expected.Length, EnglangWriter.Write(record, stream));
            Assert.Equal(expected, stream.ToArray());
        }, iter: 300);

    [Fact]
    public void SetAndDeleteLinesWrittenFromSpansAreTheRecordsLines() =>
        Gen.Select(Generators.Set, Gen.Bool, Generators.MaybeTime).Sample((record, expired, deadline) =>
        {
            var set = (SetRecord)record;
            var fromSpans = new ArrayBufferWriter<byte>(1);
            var length = EnglangWriter.WriteSet(fromSpans, set.At, set.BucketId, set.Seq, set.Key.AsSpan(), set.Value, set.ExpiresAt);
            Assert.Equal(EnglangWriter.Format(set), Encoding.UTF8.GetString(fromSpans.WrittenSpan));
            Assert.Equal(fromSpans.WrittenCount, length);

            var delete = new DeleteRecord(set.At, set.BucketId, set.Seq, set.Key, expired, expired ? deadline : null);
            fromSpans.ResetWrittenCount();
            EnglangWriter.WriteDelete(fromSpans, delete.At, delete.BucketId, delete.Seq, delete.Key.AsSpan(), expired, delete.Deadline);
            Assert.Equal(EnglangWriter.Format(delete), Encoding.UTF8.GetString(fromSpans.WrittenSpan));
        }, iter: Iterations);

    [Fact]
    public void LinesFromSpansRefuseWhatARecordWouldRefuse()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Assert.Throws<ArgumentOutOfRangeException>(() => EnglangWriter.WriteSet(buffer, TestData.T0, TestData.Bucket, -1, "k", [], null));
        Assert.Throws<ArgumentNullException>(() => EnglangWriter.WriteDelete(buffer, TestData.T0, null!, 1, "k", expired: false, deadline: null));
        Assert.Equal(0, buffer.WrittenCount);
    }

    [Fact]
    public async Task WritingAsynchronouslyGivesTheSameBytes()
    {
        var record = TestData.Set(42, "cart", "3 apples");
        using var stream = new MemoryStream();
        await EnglangWriter.WriteAsync(record, stream, TestContext.Current.CancellationToken);
        Assert.Equal(EnglangWriter.Format(record), Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void TimesAreWrittenInUtcAndTruncatedToMilliseconds()
    {
        var local = new DateTimeOffset(2026, 11, 25, 2, 31, 9, TimeSpan.FromHours(2)).AddTicks(1_239_999);
        var line = EnglangWriter.Format(new EraseRecord(local, TestData.Bucket, 1));
        Assert.StartsWith("On 2026-11-25 at 00:31:09.123 UTC, bucket 7f3a was erased", line);
        Assert.True(EnglangParser.TryParse(line, out var parsed, out _));
        Assert.Equal(TimeSpan.Zero, parsed.At.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 25, 0, 31, 9, 123, TimeSpan.Zero), parsed.At);
    }

    [Fact]
    public void BinaryValuesAreWrittenAsLabelledBase64AndTextValuesInQuotes()
    {
        Assert.Contains("to the bytes (base64) \"AAEC/w==\"", Format([0, 1, 2, 255]));
        Assert.Contains("to the bytes (base64) \"wIA=\"", Format([0xC0, 0x80]));
        Assert.Contains("to \"tab\\tand\\nnewline\"", Format(TestData.Utf8("tab\tand\nnewline")));
        Assert.Contains("to \"\"", Format([]));
        Assert.Contains("to \"caf\u00e9 \\u{2028}\"", Format(TestData.Utf8("caf\u00e9 \u2028")));

        static string Format(byte[] value) =>
            EnglangWriter.Format(new SetRecord(TestData.T0, TestData.Bucket, 1, "k", value, null));
    }

    [Fact]
    public void BucketIdsWithUnsafeCharactersAreQuoted()
    {
        Assert.Contains(", bucket 7f3a-b_c.d:e deleted", EnglangWriter.Format(new DeleteRecord(TestData.T0, "7f3a-b_c.d:e", 1, "k")));
        Assert.Contains(", bucket \"a b\" deleted", EnglangWriter.Format(new DeleteRecord(TestData.T0, "a b", 1, "k")));
        Assert.Contains(", bucket \"\" deleted", EnglangWriter.Format(new DeleteRecord(TestData.T0, "", 1, "k")));
    }

    [Fact]
    public void WriterRejectsRecordsItCannotRepresent()
    {
        EnglangRecord[] invalid =
        [
            new PolicyRecord(TestData.T0, TestData.Bucket, 1, "bogus", null),
            new PolicyRecord(TestData.T0, TestData.Bucket, 1, "standard", TimeSpan.FromMilliseconds(1500)),
            new PolicyRecord(TestData.T0, TestData.Bucket, 1, "standard", TimeSpan.FromSeconds(-1)),
            new DeleteRecord(TestData.T0, TestData.Bucket, -1, "k"),
            new DeleteRecord(TestData.T0, TestData.Bucket, 1, "k", Expired: false, Deadline: TestData.T0),
            new SnapshotFooterRecord(TestData.T0, TestData.Bucket, 1, 0, "ABCDEF"),
            new SnapshotHeaderRecord(TestData.T0, TestData.Bucket, 1, -5, "cache", null),
            new SetRecord(TestData.T0, TestData.Bucket, 1, null!, [], null),
            new SetRecord(TestData.T0, null!, 1, "k", [], null),
        ];
        foreach (var record in invalid)
        {
            Assert.Throws<ArgumentException>(() => EnglangWriter.Format(record));
        }
    }

    private static void AssertRoundTrips(Gen<EnglangRecord> gen) =>
        gen.Sample(AssertRoundTrip, iter: Iterations, print: RecordComparer.Describe);

    private static void AssertRoundTrip(EnglangRecord record)
    {
        var line = EnglangWriter.Format(record);
        var bytes = Encoding.UTF8.GetBytes(line);
        Assert.True(EnglangParser.TryParse(bytes.AsSpan(0, bytes.Length - 1), out var parsed, out var error), $"{error}\n{line}");
        RecordComparer.AssertSame(record, parsed);
    }
}
