using System.Security.Cryptography;

namespace Buckets.Englang.Tests;

public class VerifierTests
{
    [Fact]
    public void CleanSnapshotAndSegmentsPass()
    {
        using var directory = new TempDirectory();
        var snapshot = directory.Write("0001-snapshot.englang", SnapshotBytes(seq: 10));
        var segment = directory.Write("0002-segment.englang", TestData.ToBytes(Changes(11, 15)));
        var next = directory.Write("0003-segment.englang", TestData.ToBytes(Changes(16, 16)));

        var report = EnglangVerifier.VerifyFiles([snapshot, segment, next]);

        Assert.Empty(report.Problems);
        Assert.False(report.HasTornTail);
        Assert.True(report.IsClean);
        Assert.Equal((10L, 16L), (report.FirstSeq!.Value, report.LastSeq!.Value));
        Assert.Equal(TestData.Bucket, report.BucketId);
        Assert.Equal(4 + 6, report.RecordCount);
    }

    [Fact]
    public void GapIsReportedWithFileAndLine()
    {
        using var directory = new TempDirectory();
        var first = directory.Write("a.englang", TestData.ToBytes(Changes(1, 3)));
        var second = directory.Write("b.englang", TestData.ToBytes([.. Changes(4, 5), .. Changes(8, 9)]));

        var problem = Assert.Single(EnglangVerifier.VerifyFiles([first, second]).Problems);

        Assert.Equal(second, problem.File);
        Assert.Equal(3, problem.Line);
        Assert.Equal("gap in the change history: change 8 follows change 5, so changes 6 to 7 are missing", problem.Message);
    }

    [Fact]
    public void OverlapIsReportedWithFileAndLine()
    {
        var problem = Assert.Single(Verify(TestData.ToBytes([.. Changes(1, 3), .. Changes(3, 4)])).Problems);
        Assert.Equal(4, problem.Line);
        Assert.StartsWith("overlap in the change history: change 3 follows change 3", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlapAcrossFilesIsReportedInTheLaterFile()
    {
        using var first = new MemoryStream(TestData.ToBytes(Changes(1, 5)));
        using var second = new MemoryStream(TestData.ToBytes(Changes(4, 6)));

        var report = EnglangVerifier.Verify([("one", first), ("two", second)]);

        Assert.Equal(new EnglangError("two", 1, "overlap in the change history: change 4 follows change 5 (expected change 6)"), Assert.Single(report.Problems));
    }

    [Fact]
    public void ChangeAfterASnapshotMustBeTheNextNumber()
    {
        var problem = Assert.Single(Verify([.. SnapshotBytes(seq: 10), .. TestData.ToBytes(Changes(12, 12))]).Problems);
        Assert.Contains("change 12 follows change 10", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapshotThatIsNotAsOfTheLastChangeIsReported()
    {
        var problem = Assert.Single(Verify([.. TestData.ToBytes(Changes(1, 5)), .. SnapshotBytes(seq: 7)]).Problems);
        Assert.Equal(6, problem.Line);
        Assert.StartsWith("gap in the change history: a snapshot as of change 7 follows change 5", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapshotDigestMismatchIsReported()
    {
        var bytes = ManualSnapshot(headerCount: 2, entries: 2, footerCount: 2, digest: new string('0', 32));
        var problem = Assert.Single(Verify(bytes).Problems);
        Assert.Equal(4, problem.Line);
        Assert.StartsWith("snapshot digest mismatch: the footer says 00000000000000000000000000000000", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapshotCountMismatchIsReported()
    {
        var problem = Assert.Single(Verify(ManualSnapshot(headerCount: 3, entries: 2, footerCount: 3)).Problems);
        Assert.Equal(4, problem.Line);
        Assert.Equal("snapshot entry count mismatch: the header says 3, the footer says 3, and 2 entry lines were read", problem.Message);
    }

    [Fact]
    public void FooterCountDisagreeingWithTheHeaderIsReported()
    {
        var problem = Assert.Single(Verify(ManualSnapshot(headerCount: 2, entries: 2, footerCount: 1)).Problems);
        Assert.Contains("the header says 2, the footer says 1", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SnapshotLeftOpenAtTheEndOfAFileIsReported()
    {
        var lines = TestData.LineStarts(SnapshotBytes(seq: 3));
        var bytes = SnapshotBytes(seq: 3)[..lines[^2]];
        var problem = Assert.Single(Verify(bytes).Problems);
        Assert.Contains("has no end in this file", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ChangeInsideASnapshotIsReported()
    {
        var snapshot = SnapshotBytes(seq: 3);
        var starts = TestData.LineStarts(snapshot);
        byte[] bytes = [.. snapshot[..starts[2]], .. TestData.ToBytes(Changes(4, 4)), .. snapshot[starts[2]..]];

        var problems = Verify(bytes).Problems;

        Assert.Contains(problems, problem => problem.Line == 3 && problem.Message.StartsWith("expected a snapshot entry or the end of the snapshot begun on line 1", StringComparison.Ordinal));
    }

    [Fact]
    public void RecordsOfAnotherBucketAreReported()
    {
        var bytes = TestData.ToBytes([.. Changes(1, 2), new EraseRecord(TestData.T0, "other", 3)]);
        var problem = Assert.Single(Verify(bytes).Problems);
        Assert.Equal(3, problem.Line);
        Assert.Contains("bucket \"other\"", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptLinesAndTornTailsAreReportedSeparately()
    {
        var bytes = TestData.ToBytes(Changes(1, 5));
        var starts = TestData.LineStarts(bytes);
        bytes[starts[1] + 20] ^= 0x04;
        var torn = bytes[..(starts[4] + 10)];

        var report = Verify(torn);

        Assert.Contains(report.Problems, problem => problem.Line == 2 && problem.Message.StartsWith("checksum mismatch", StringComparison.Ordinal));
        Assert.Contains(report.Problems, problem => problem.Line == 3 && problem.Message.StartsWith("gap in the change history", StringComparison.Ordinal));
        Assert.True(report.HasTornTail);
        Assert.Equal(5, Assert.Single(report.TornTails).Line);
        Assert.False(report.IsClean);
    }

    [Fact]
    public void DuplicateKeysAndLateVersionsInASnapshotAreReported()
    {
        using var stream = new MemoryStream();
        SnapshotWriter.Write(stream, TestData.Bucket, TestData.T0, 5, "standard", null,
            [("k", [1], null, 1), ("k", [2], null, 2), ("late", [3], null, 6)]);
        stream.Position = 0;

        var problems = EnglangVerifier.Verify([("s", stream)]).Problems;

        Assert.Equal(2, problems.Count);
        Assert.Equal((3L, "the snapshot holds this key twice"), (problems[0].Line, problems[0].Message));
        Assert.Equal(4, problems[1].Line);
        Assert.Contains("after the snapshot's change 5", problems[1].Message, StringComparison.Ordinal);
    }

    internal static IEnumerable<EnglangRecord> Changes(long from, long to)
    {
        for (var seq = from; seq <= to; seq++)
        {
            yield return TestData.Set(seq, $"key {seq % 3}", $"value {seq}", atSeconds: (int)seq);
        }
    }

    internal static byte[] SnapshotBytes(long seq)
    {
        using var stream = new MemoryStream();
        SnapshotWriter.Write(stream, TestData.Bucket, TestData.T0, seq, "standard", TimeSpan.FromSeconds(60),
            [("a", TestData.Utf8("1"), null, seq), ("b", [0xFF], TestData.At(50_000), seq)]);
        return stream.ToArray();
    }

    private static VerificationReport Verify(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return EnglangVerifier.Verify([("test.englang", stream)]);
    }

    /// <summary>A snapshot written line by line, with a correct digest unless one is given.</summary>
    private static byte[] ManualSnapshot(long headerCount, int entries, long footerCount, string? digest = null)
    {
        EnglangRecord[] covered =
        [
            new SnapshotHeaderRecord(TestData.T0, TestData.Bucket, 4, headerCount, "standard", null),
            .. Enumerable.Range(0, entries).Select(i => new SnapshotEntryRecord(TestData.T0, TestData.Bucket, $"k{i}", [(byte)i], null, 1)),
        ];
        var coveredBytes = TestData.ToBytes(covered);
        digest ??= Convert.ToHexStringLower(SHA256.HashData(coveredBytes)[..16]);
        return [.. coveredBytes, .. TestData.ToBytes([new SnapshotFooterRecord(TestData.T0, TestData.Bucket, 4, footerCount, digest)])];
    }
}
