namespace Buckets.Englang.Tests;

/// <summary>
/// Inputs past <see cref="BucketReplayer.PipelineThresholdBytes"/> are parsed on a second thread: the
/// state, the errors (file and line), where a replay stops and the snapshot digest check must be
/// exactly those of a replay of the same records one by one.
/// </summary>
public class ReplayPipelineTests
{
    private const int Changes = 30_000;
    private static readonly ReplayOptions Now = new(TestData.At(100_000));

    [Fact]
    public void ALargeHistoryReplaysToTheSameStateAsRecordByRecord()
    {
        var records = History().ToList();
        var bytes = TestData.ToBytes(records);
        Assert.True(bytes.Length >= BucketReplayer.PipelineThresholdBytes, $"the input is {bytes.Length} bytes, too small to be parsed ahead");

        var expected = BucketReplayer.Replay(records, Now).State;
        using var stream = new MemoryStream(bytes);
        var result = BucketReplayer.Replay([("large", stream)], Now);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        AssertSameState(expected, result.State);
    }

    [Fact]
    public void ACorruptLineDeepInALargeFileFailsAtThatLineWithEverythingBeforeItApplied()
    {
        var bytes = TestData.ToBytes(History());
        const int BadLine = 25_001;
        bytes[TestData.LineStarts(bytes)[BadLine - 1] + 3] ^= 0x02;
        using var stream = new MemoryStream(bytes);

        var result = BucketReplayer.Replay([("large", stream)], Now);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("large", (long)BadLine), (error.File, error.Line));
        AssertSameState(BucketReplayer.Replay(History().Take(BadLine - 1), Now).State, result.State);
    }

    [Fact]
    public void APointInTimeReplayOfALargeFileStopsWhereOneByOneStops()
    {
        var options = new ReplayOptions(TestData.At(100_000)) { StopAtSeq = 12_345 };
        using var stream = new MemoryStream(TestData.ToBytes(History()));

        var result = BucketReplayer.Replay([("large", stream)], options);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        AssertSameState(BucketReplayer.Replay(History(), options).State, result.State);
        Assert.Equal(12_345, result.State.LastSeq);
    }

    [Fact]
    public void ALargeSnapshotIsCheckedAgainstItsDigestAndATamperedEntryFailsIt()
    {
        var padding = new string('v', 160);
        var state = BucketReplayer.Replay(Enumerable.Range(1, Changes).Select(seq => TestData.Set(seq, $"key {seq}", padding + seq)), Now).State;
        using var written = new MemoryStream();
        SnapshotWriter.Write(written, TestData.Bucket, TestData.At(Changes + 1), state);
        var snapshot = written.ToArray();
        Assert.True(snapshot.Length >= BucketReplayer.PipelineThresholdBytes, $"the snapshot is {snapshot.Length} bytes, too small to be parsed ahead");

        using (var intact = new MemoryStream(snapshot))
        {
            var restored = BucketReplayer.Replay([("snap", intact)], Now);
            Assert.True(restored.Succeeded, string.Join("\n", restored.Errors));
            Assert.Equal(state.Entries.Count, restored.State.Entries.Count);
        }

        // A well-formed entry line (its own checksum is right) that the snapshot's digest does not cover.
        var starts = TestData.LineStarts(snapshot);
        var line = starts.Count / 2;
        var entry = TestData.ToBytes([new SnapshotEntryRecord(TestData.T0, TestData.Bucket, "forged", TestData.Utf8("x"), null, 1)]);
        byte[] tampered = [.. snapshot[..starts[line]], .. entry, .. snapshot[starts[line + 1]..]];
        using var stream = new MemoryStream(tampered);

        var result = BucketReplayer.Replay([("snap", stream)], Now);

        Assert.StartsWith("snapshot digest mismatch", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ATornTailOfALargeFileIsSkippedAndReported()
    {
        var bytes = TestData.ToBytes(History());
        using var stream = new MemoryStream(bytes[..^5]);

        var result = BucketReplayer.Replay([("large", stream)], Now);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(Changes - 1, result.State.LastSeq);
        Assert.Equal(Changes, Assert.Single(result.TornTails).Line);
    }

    /// <summary>Sets (with and without expiry), deletes and expiry changes over 2,000 keys, with values large enough to pass the threshold.</summary>
    private static IEnumerable<EnglangRecord> History()
    {
        var padding = new string('v', 160);
        for (var seq = 1; seq <= Changes; seq++)
        {
            var key = $"key {seq % 2000}";
            yield return (seq % 10) switch
            {
                0 => new DeleteRecord(TestData.At(seq), TestData.Bucket, seq, key),
                1 => new ExpireRecord(TestData.At(seq), TestData.Bucket, seq, key, TestData.At(seq + 50_000)),
                2 => TestData.Set(seq, key, padding + seq, TestData.At(seq + 1_000), atSeconds: seq),
                _ => TestData.Set(seq, key, padding + seq, atSeconds: seq),
            };
        }
    }

    private static void AssertSameState(ReplayState expected, ReplayState actual)
    {
        Assert.Equal(expected.LastSeq, actual.LastSeq);
        Assert.Equal(expected.Entries.Count, actual.Entries.Count);
        foreach (var (key, entry) in expected.Entries)
        {
            Assert.True(actual.Entries.TryGetValue(key, out var other), $"{key} is missing");
            Assert.Equal(entry.Value, other.Value);
            Assert.Equal((entry.ExpiresAt, entry.Version), (other.ExpiresAt, other.Version));
        }
    }
}
