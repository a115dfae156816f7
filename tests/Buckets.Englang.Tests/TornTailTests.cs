namespace Buckets.Englang.Tests;

public class TornTailTests
{
    private static readonly EnglangRecord[] History =
    [
        TestData.Set(1, "cart", "3 apples"),
        TestData.Set(2, "emoji 😀 key", "naïve café\nsecond line"),
        new DeleteRecord(TestData.At(3), TestData.Bucket, 3, "cart"),
        new SetRecord(TestData.At(4), TestData.Bucket, 4, "blob \"é\"", [0, 1, 2, 0xFF, 0xC3], TestData.At(100)),
    ];

    [Fact]
    public void TornTailAtEveryByteOffsetOfTheLastLineIsDetectedAndRecoveryKeepsAllPriorLines()
    {
        var full = TestData.ToBytes(History);
        var lastStart = TestData.LineStarts(full)[^2];
        using var directory = new TempDirectory();

        for (var cut = lastStart; cut <= full.Length; cut++)
        {
            var bytes = full[..cut];
            var result = TestData.Read(bytes, "segment.englang");
            var path = directory.Write($"cut-{cut}.englang", bytes);
            var recovery = EnglangRecovery.Recover(path);
            var after = File.ReadAllBytes(path);

            Assert.Empty(result.Errors);
            Assert.Empty(recovery.Errors);
            if (cut == lastStart || cut == full.Length)
            {
                Assert.Null(result.TornTail);
                Assert.Equal(cut == full.Length ? 4 : 3, result.Items.Count);
                Assert.False(recovery.Truncated);
                Assert.Equal(bytes, after);
                continue;
            }

            var torn = Assert.IsType<EnglangTornTail>(result.TornTail);
            Assert.Equal(4, torn.Line);
            Assert.Equal(lastStart, torn.ByteOffset);
            Assert.Equal(cut - lastStart, torn.Length);
            Assert.Equal(lastStart, result.GoodLength);
            Assert.Equal(3, result.Items.Count);
            for (var i = 0; i < 3; i++)
            {
                RecordComparer.AssertSame(History[i], result.Items[i].Record);
            }

            Assert.True(recovery.Truncated);
            Assert.Equal(3, recovery.RecordCount);
            Assert.Equal(full[..lastStart], after);
        }
    }

    [Fact]
    public void CompleteLastLineWithoutItsLineFeedCountsAsTorn()
    {
        var full = TestData.ToBytes(History);
        var result = TestData.Read(full[..^1]);
        var torn = Assert.IsType<EnglangTornTail>(result.TornTail);
        Assert.Contains("no line feed", torn.Message, StringComparison.Ordinal);
        Assert.Equal(3, result.Items.Count);
    }

    [Fact]
    public void DamagedLastLineWithItsLineFeedIsAnErrorNotATornTail()
    {
        var full = TestData.ToBytes(History);
        full[^10] ^= 0x20;
        using var directory = new TempDirectory();
        var path = directory.Write("segment.englang", full);

        var result = TestData.Read(full);
        var recovery = EnglangRecovery.Recover(path);

        // It was written whole (it has its line feed) and damaged later: recovery must not cut it.
        Assert.Null(result.TornTail);
        Assert.Equal(4, Assert.Single(result.Errors).Line);
        Assert.False(recovery.Truncated);
        Assert.Equal(full, File.ReadAllBytes(path));
    }

    [Fact]
    public void DamagedLineBeforeTheLastIsNeverCutOff()
    {
        var full = TestData.ToBytes(History);
        var starts = TestData.LineStarts(full);
        full[starts[1] + 5] ^= 0x01;
        using var directory = new TempDirectory();
        var path = directory.Write("segment.englang", full);

        var recovery = EnglangRecovery.Recover(path);

        Assert.False(recovery.Truncated);
        Assert.Null(recovery.TornTail);
        Assert.Equal(2, Assert.Single(recovery.Errors).Line);
        Assert.Equal(full, File.ReadAllBytes(path));
    }

    [Fact]
    public void TornTailAfterADamagedMiddleLineIsStillCutButTheMiddleLineStays()
    {
        var full = TestData.ToBytes(History);
        var starts = TestData.LineStarts(full);
        full[starts[1] + 5] ^= 0x01;
        var torn = full[..(starts[3] + 7)];
        using var stream = new MemoryStream();
        stream.Write(torn);

        var recovery = EnglangRecovery.TruncateTornTail(stream, "s");

        Assert.Equal(starts[3], stream.Length);
        Assert.Equal(2, Assert.Single(recovery.Errors).Line);
        Assert.Equal(4, recovery.TornTail!.Line);
    }

    [Fact]
    public void EmptyFileHasNoTornTailAndNothingToRecover()
    {
        var result = TestData.Read([]);
        Assert.True(result.IsClean);
        Assert.Empty(result.Items);
        Assert.Equal(0, result.GoodLength);
    }

    [Fact]
    public void RecoveryNeedsASeekableWritableStream()
    {
        using var readOnly = new MemoryStream([], writable: false);
        Assert.Throws<ArgumentException>(() => EnglangRecovery.TruncateTornTail(readOnly, "r"));
    }
}
