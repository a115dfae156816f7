namespace Buckets.Englang.Tests;

public class GoldenTests
{
    private static readonly string[] ExpectedLines =
    [
        "On 2026-11-25 at 00:31:09.123 UTC, bucket 7f3a set \"cart\" to \"3 apples\", expiring on 2026-11-26 at 00:31:09.000 UTC (change 42). [crc 3b3fd102]\n",
        "On 2026-11-25 at 00:31:10.123 UTC, bucket 7f3a set \"note\" to \"line 1\\nline 2 \\\"quoted\\\"\" (change 43). [crc 7ecb6797]\n",
        "On 2026-11-25 at 00:31:11.123 UTC, bucket 7f3a set \"avatar.png\" to the bytes (base64) \"iVBORw0KGgo=\" (change 44). [crc 574f4f1c]\n",
        "On 2026-11-25 at 00:31:12.123 UTC, bucket 7f3a deleted \"cart\" (change 45). [crc 211982d8]\n",
        "On 2026-11-25 at 00:31:13.123 UTC, bucket 7f3a made \"note\" expire on 2026-12-01 at 00:00:00.000 UTC (change 46). [crc faf4f4a4]\n",
        "On 2026-11-25 at 00:31:14.123 UTC, bucket 7f3a made \"note\" never expire (change 47). [crc 96f7f83d]\n",
        "On 2026-11-25 at 00:31:15.123 UTC, bucket 7f3a changed its policy to critical durability with a default expiry of 3600 seconds (change 48). [crc c93d851b]\n",
        "On 2026-11-25 at 00:32:09.123 UTC, bucket 7f3a began a snapshot as of change 48 with 2 entries, critical durability and a default expiry of 3600 seconds. [crc 0dac29c1]\n",
        "On 2026-11-25 at 00:32:09.123 UTC, bucket 7f3a held \"avatar.png\" as the bytes (base64) \"iVBORw0KGgo=\", last written by change 44. [crc 0dbaf88b]\n",
        "On 2026-11-25 at 00:32:09.123 UTC, bucket 7f3a held \"note\" as \"line 1\\nline 2 \\\"quoted\\\"\", last written by change 47. [crc 903102b7]\n",
        "On 2026-11-25 at 00:32:09.123 UTC, bucket 7f3a ended the snapshot as of change 48 with 2 entries, digest 33ef1dd9e32919c10f2fdfbeb5ee1c13. [crc 62d6d29a]\n",
        "On 2026-11-25 at 00:33:09.123 UTC, bucket 7f3a was cleared of all entries (change 49). [crc 5ec04d04]\n",
        "On 2026-11-25 at 00:34:09.123 UTC, bucket 7f3a was erased (change 50). [crc 2f6fd8ba]\n",
    ];

    [Fact]
    public void TheDocumentedSetLineIsWrittenExactly()
    {
        var record = new SetRecord(
            new DateTimeOffset(2026, 11, 25, 0, 31, 9, 123, TimeSpan.Zero), "7f3a", 42, "cart",
            TestData.Utf8("3 apples"), new DateTimeOffset(2026, 11, 26, 0, 31, 9, 0, TimeSpan.Zero));

        Assert.Equal(
            "On 2026-11-25 at 00:31:09.123 UTC, bucket 7f3a set \"cart\" to \"3 apples\", expiring on 2026-11-26 at 00:31:09.000 UTC (change 42). [crc 3b3fd102]\n",
            EnglangWriter.Format(record));
    }

    [Fact]
    public void TheDocumentedExpiredDeletionNamesItsDeadlineAndTheOldFormStillReads()
    {
        var record = new DeleteRecord(
            new DateTimeOffset(2026, 11, 25, 0, 31, 12, 623, TimeSpan.Zero), "7f3a", 45, "session",
            Expired: true, Deadline: new DateTimeOffset(2026, 11, 25, 0, 31, 12, 500, TimeSpan.Zero));
        var line = EnglangWriter.Format(record);

        Assert.Equal(
            "On 2026-11-25 at 00:31:12.623 UTC, bucket 7f3a deleted \"session\" as it expired on 2026-11-25 at 00:31:12.500 UTC (change 45). [crc 5739859f]\n",
            line);
        Assert.Contains(line.TrimEnd('\n'), File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "englang.md")), StringComparison.Ordinal);

        // Logs written before the deadline was recorded say only "as it expired": they read back with none.
        var old = Assert.Single(TestData.Read(TestData.Utf8(EnglangWriter.Format(record with { Deadline = null }))).Items).Record;
        Assert.Equal(record with { Deadline = null }, old);
    }

    [Fact]
    public void EveryRecordKindWritesExactlyItsGoldenLine() =>
        Assert.Equal(ExpectedLines, GoldenExamples.AllLines());

    [Fact]
    public void GoldenLinesParseBackToTheirRecords()
    {
        var result = TestData.Read(TestData.Utf8(string.Concat(ExpectedLines)));
        Assert.True(result.IsClean);
        var kinds = result.Items.Select(item => item.Record.GetType().Name).Distinct().ToList();
        Assert.Equal(9, kinds.Count);
        RecordComparer.AssertSame(GoldenExamples.Changes[1], result.Items[1].Record);
    }

    [Fact]
    public void GoldenHistoryVerifiesClean()
    {
        using var stream = new MemoryStream(TestData.Utf8(string.Concat(ExpectedLines)));
        var report = EnglangVerifier.Verify([("golden.englang", stream)]);
        Assert.Empty(report.Problems);
        Assert.True(report.IsClean);
        Assert.Equal(42, report.FirstSeq);
        Assert.Equal(50, report.LastSeq);
    }

    [Fact]
    public void TheDocumentationShowsEveryGoldenLine()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "englang.md"));
        foreach (var line in ExpectedLines)
        {
            Assert.Contains(line, docs, StringComparison.Ordinal);
        }
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Buckets.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Buckets.sln not found above the test binaries.");
    }
}
