using CsCheck;

namespace Buckets.Englang.Tests;

public class CorruptionTests
{
    [Fact]
    public void ChangedByteIsReportedWithItsLineNumber() =>
        Gen.Select(Generators.Record.Array[2, 12], Gen.Int[0, int.MaxValue], Gen.Int[0, int.MaxValue], Gen.Byte[1, 255])
            .Sample((records, lineChoice, byteChoice, delta) =>
            {
                var bytes = TestData.ToBytes(records);
                var starts = TestData.LineStarts(bytes);
                var line = lineChoice % records.Length;
                var lineLength = starts[line + 1] - starts[line];
                var position = starts[line] + (byteChoice % lineLength);
                bytes[position] = (byte)(bytes[position] + delta);

                var result = TestData.Read(bytes, "segment-7.englang");

                var reportedLines = result.Errors.Select(error => error.Line)
                    .Concat(result.TornTail is { } torn ? [torn.Line] : [])
                    .ToList();
                Assert.Contains(line + 1L, reportedLines);
                Assert.All(result.Errors, error => Assert.Equal("segment-7.englang", error.File));
                Assert.DoesNotContain(reportedLines, reported => reported <= line);
                Assert.Equal(line, result.Items.Count(item => item.LineNumber <= line));
            }, iter: 1000);

    [Fact]
    public void ChangedByteBeforeTheLastLineIsAHardErrorNotATornTail()
    {
        var records = Enumerable.Range(1, 5).Select(i => (EnglangRecord)TestData.Set(i, $"key {i}", $"value {i}")).ToList();
        var bytes = TestData.ToBytes(records);
        var starts = TestData.LineStarts(bytes);
        bytes[starts[2] + 40] ^= 0x01;

        var result = TestData.Read(bytes, "f.englang");

        var error = Assert.Single(result.Errors);
        Assert.Equal(new EnglangError("f.englang", 3, error.Message), error);
        Assert.Contains("checksum mismatch", error.Message, StringComparison.Ordinal);
        Assert.Null(result.TornTail);
        Assert.Equal([1L, 2, 4, 5], result.Items.Select(item => item.LineNumber));
        Assert.Equal(starts[3], result.Items[2].ByteOffset);
    }

    [Fact]
    public void CheckingAChangeLineAgreesWithParsingItWhateverTheLineSays() =>
        Gen.Select(Generators.Record, Gen.Int[0, int.MaxValue], Gen.Byte[0, 255], Gen.Bool)
            .Sample((record, byteChoice, replacement, mutate) =>
            {
                // The body is changed and signed again, so the grammar is what decides, not the checksum.
                var line = System.Text.Encoding.UTF8.GetBytes(EnglangWriter.Format(record).TrimEnd('\n'));
                var bodyLength = line.AsSpan().LastIndexOf(" [crc "u8);
                var body = line[..bodyLength];
                if (mutate)
                {
                    body[byteChoice % bodyLength] = replacement;
                }

                var signed = System.Text.Encoding.ASCII.GetBytes($" [crc {LineChecksum.Compute(body):x8}]");
                byte[] resigned = [.. body, .. signed];

                var parsed = EnglangParser.TryParse(resigned, out var full, out var parseError);
                var checkedOk = EnglangParser.TryCheckChange(resigned, out var at, out var bucketId, out var seq, out var checkError);

                Assert.Equal(parsed && full is IChangeRecord, checkedOk);
                if (checkedOk)
                {
                    Assert.Equal((full!.At, full.BucketId, ((IChangeRecord)full).Seq), (at, bucketId, seq));
                }
                else if (!parsed && record is IChangeRecord)
                {
                    // A damaged change line is refused for the same reason either way.
                    Assert.Equal(parseError, checkError);
                }
            }, iter: 5000);

    [Fact]
    public void ErrorsFormatAsFileLineAndMessage() =>
        Assert.Equal("a.englang:3: expected x", new EnglangError("a.englang", 3, "expected x").ToString());

    [Fact]
    public void RandomGarbageFilesNeverThrowFromTheReader() =>
        Gen.Byte.Array[0, 400].Sample(bytes =>
        {
            var result = TestData.Read(bytes);
            Assert.True(result.GoodLength <= bytes.Length);
        }, iter: 2000);
}
