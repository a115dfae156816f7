using System.Text;

namespace Buckets.Englang.Tests;

public class ReaderTests
{
    [Fact]
    public void ItemsCarryLineNumbersAndByteOffsets()
    {
        var records = Enumerable.Range(1, 4).Select(i => (EnglangRecord)TestData.Set(i, $"k{i}", new string('v', i * 7))).ToList();
        var bytes = TestData.ToBytes(records);
        var starts = TestData.LineStarts(bytes);

        var result = TestData.Read(bytes);

        Assert.Equal([1L, 2, 3, 4], result.Items.Select(item => item.LineNumber));
        Assert.Equal(starts.Take(4).Select(start => (long)start), result.Items.Select(item => item.ByteOffset));
        Assert.Equal(bytes.Length, result.GoodLength);
    }

    [Fact]
    public void LinesLongerThanTheBufferAreReadWhole()
    {
        var big = new SetRecord(TestData.T0, TestData.Bucket, 2, "big", Encoding.UTF8.GetBytes(new string('x', 5000) + "😀"), null);
        EnglangRecord[] records = [TestData.Set(1, "a", "b"), big, TestData.Set(3, "c", "d")];
        var bytes = TestData.ToBytes(records);

        using var reader = new EnglangReader(new MemoryStream(bytes), "small-buffer", leaveOpen: false, maxLineBytes: 1 << 20, bufferBytes: 16);
        var items = reader.ReadAll().ToList();

        Assert.Empty(reader.Errors);
        Assert.Null(reader.TornTail);
        Assert.Equal(3, items.Count);
        RecordComparer.AssertSame(big, items[1].Record);
    }

    [Fact]
    public void LinesLongerThanTheLimitAreReportedAndSkipped()
    {
        var big = new SetRecord(TestData.T0, TestData.Bucket, 2, "big", Encoding.UTF8.GetBytes(new string('x', 500)), null);
        EnglangRecord[] records = [TestData.Set(1, "a", "b"), big, TestData.Set(3, "c", "d")];
        var bytes = TestData.ToBytes(records);

        using var reader = new EnglangReader(new MemoryStream(bytes), "limited", leaveOpen: false, maxLineBytes: 200, bufferBytes: 16);
        var items = reader.ReadAll().ToList();

        Assert.Equal([1L, 3], items.Select(item => item.LineNumber));
        var error = Assert.Single(reader.Errors);
        Assert.Equal(2, error.Line);
        Assert.Contains("longer than 200 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlongUnterminatedLastLineIsATornTail()
    {
        var bytes = TestData.ToBytes([TestData.Set(1, "a", "b")]).Concat(Enumerable.Repeat((byte)'x', 1000)).ToArray();

        using var reader = new EnglangReader(new MemoryStream(bytes), "limited", leaveOpen: false, maxLineBytes: 200, bufferBytes: 16);
        Assert.Single(reader.ReadAll());

        Assert.Empty(reader.Errors);
        Assert.Equal(2, reader.TornTail!.Line);
        Assert.Equal(1000, reader.TornTail.Length);
    }

    [Fact]
    public void EmptyLinesInTheMiddleAreErrors()
    {
        var line = EnglangWriter.Format(TestData.Set(1, "a", "b"));
        var result = TestData.Read(TestData.Utf8(line + "\n" + line));
        Assert.Equal(2, Assert.Single(result.Errors).Line);
        Assert.Contains("empty", result.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CurrentLineExposesTheRawBytesOfTheLastItem()
    {
        var line = EnglangWriter.Format(TestData.Set(1, "a", "b"));
        using var reader = new EnglangReader(new MemoryStream(TestData.Utf8(line)), "raw");
        Assert.True(reader.TryRead(out _));
        Assert.Equal(line.TrimEnd('\n'), Encoding.UTF8.GetString(reader.CurrentLine));
        Assert.False(reader.TryRead(out _));
        Assert.True(reader.IsFinished);
    }

    [Fact]
    public void ReadingAFileNamesItInErrors()
    {
        using var directory = new TempDirectory();
        var bytes = TestData.ToBytes([TestData.Set(1, "a", "b"), TestData.Set(2, "a", "b")]);
        bytes[3] = (byte)'X';
        var path = directory.Write("segment-1.englang", bytes);

        var result = EnglangReader.ReadFile(path);

        Assert.Equal(path, Assert.Single(result.Errors).File);
        Assert.Equal(1, result.Errors[0].Line);
    }
}
