using System.Text;
using CsCheck;

namespace Buckets.Englang.Tests;

public class ReplayerTests
{
    private static readonly ReplayOptions Now = new(TestData.At(10_000));

    [Fact]
    public void SetStoresValueExpiryAndVersion()
    {
        var state = Replay(TestData.Set(1, "a", "one"), TestData.Set(2, "b", "two", TestData.At(20_000)), TestData.Set(3, "a", "uno"));

        Assert.Equal(2, state.Entries.Count);
        AssertEntry(state, "a", "uno", null, 3);
        AssertEntry(state, "b", "two", TestData.At(20_000), 2);
        Assert.Equal(3, state.LastSeq);
    }

    [Fact]
    public void DeleteRemovesTheKeyAndDeletingAMissingKeyDoesNothing()
    {
        var state = Replay(TestData.Set(1, "a", "one"), Delete(2, "a"), Delete(3, "never-set"));
        Assert.Empty(state.Entries);
        Assert.Equal(3, state.LastSeq);
    }

    [Fact]
    public void ExpireChangesOnlyTheExpiryAndVersion()
    {
        var state = Replay(
            TestData.Set(1, "a", "one"),
            TestData.Set(2, "b", "two", TestData.At(20_000)),
            new ExpireRecord(TestData.At(3), TestData.Bucket, 3, "a", TestData.At(30_000)),
            new ExpireRecord(TestData.At(4), TestData.Bucket, 4, "b", null),
            new ExpireRecord(TestData.At(5), TestData.Bucket, 5, "missing", null));

        AssertEntry(state, "a", "one", TestData.At(30_000), 3);
        AssertEntry(state, "b", "two", null, 4);
        Assert.False(state.Entries.ContainsKey("missing"));
    }

    [Fact]
    public void PolicyChangesDurabilityAndDefaultTtl()
    {
        var initial = Replay();
        Assert.Equal(("standard", (TimeSpan?)null, 0L), (initial.Durability, initial.DefaultTtl, initial.LastSeq));

        var state = Replay(new PolicyRecord(TestData.T0, TestData.Bucket, 1, "critical", TimeSpan.FromSeconds(90)));
        Assert.Equal(("critical", (TimeSpan?)TimeSpan.FromSeconds(90)), (state.Durability, state.DefaultTtl));
    }

    [Fact]
    public void EraseEmptiesTheBucketResetsThePolicyAndMarksItErased()
    {
        var state = Replay(
            new PolicyRecord(TestData.T0, TestData.Bucket, 1, "cache", TimeSpan.FromSeconds(5)),
            TestData.Set(2, "a", "one"),
            new EraseRecord(TestData.At(3), TestData.Bucket, 3));

        Assert.Empty(state.Entries);
        Assert.True(state.Erased);
        Assert.Equal(("standard", (TimeSpan?)null, 3L), (state.Durability, state.DefaultTtl, state.LastSeq));
    }

    [Fact]
    public void SettingAValueAfterAnEraseClearsTheErasedFlag()
    {
        var state = Replay(new EraseRecord(TestData.T0, TestData.Bucket, 1), TestData.Set(2, "a", "new life"));
        Assert.False(state.Erased);
        Assert.Single(state.Entries);
    }

    [Fact]
    public void ClearEmptiesTheBucketButKeepsThePolicy()
    {
        var state = Replay(
            new PolicyRecord(TestData.T0, TestData.Bucket, 1, "critical", TimeSpan.FromSeconds(5)),
            TestData.Set(2, "a", "one"),
            new ClearRecord(TestData.At(3), TestData.Bucket, 3),
            TestData.Set(4, "b", "restored"));

        Assert.Equal(["b"], state.Entries.Keys);
        Assert.False(state.Erased);
        Assert.Equal(("critical", (TimeSpan?)TimeSpan.FromSeconds(5)), (state.Durability, state.DefaultTtl));
    }

    [Fact]
    public void StopAtSeqIncludesThatChangeAndNothingAfter()
    {
        var result = BucketReplayer.Replay(VerifierTests.Changes(1, 10), Now with { StopAtSeq = 6 });
        Assert.True(result.Succeeded);
        Assert.Equal(6, result.State.LastSeq);
        AssertEntry(result.State, "key 0", "value 6", null, 6);
        AssertEntry(result.State, "key 2", "value 5", null, 5);
    }

    [Fact]
    public void StopAtTimeIncludesRecordsAtExactlyThatTime()
    {
        var records = VerifierTests.Changes(1, 10).ToList();
        var result = BucketReplayer.Replay(records, new ReplayOptions(TestData.At(99_999)) { StopAtTime = records[3].At });
        Assert.True(result.Succeeded);
        Assert.Equal(4, result.State.LastSeq);

        var justBefore = BucketReplayer.Replay(records, new ReplayOptions(TestData.At(99_999)) { StopAtTime = records[3].At.AddMilliseconds(-1) });
        Assert.Equal(3, justBefore.State.LastSeq);
    }

    [Fact]
    public void EntriesExpiredAtTheTargetTimeAreLeftOut()
    {
        EnglangRecord[] records =
        [
            TestData.Set(1, "expires at 100", "x", TestData.At(100)),
            TestData.Set(2, "expires at 200", "x", TestData.At(200)),
            TestData.Set(3, "never", "x"),
        ];

        Assert.Equal(3, Entries(new ReplayOptions(TestData.At(99))).Count);
        Assert.Equal(["expires at 200", "never"], Entries(new ReplayOptions(TestData.At(100))).Order(StringComparer.Ordinal));
        Assert.Equal(["never"], Entries(new ReplayOptions(TestData.At(500))));
        Assert.Equal(["expires at 200", "never"], Entries(new ReplayOptions(TestData.At(500)) { StopAtTime = TestData.At(150) }).Order(StringComparer.Ordinal));
        Assert.Equal(3, Entries(new ReplayOptions(TestData.At(500)) { IncludeExpired = true }).Count);

        IReadOnlyCollection<string> Entries(ReplayOptions options) =>
            BucketReplayer.Replay(records, options).State.Entries.Keys.ToList();
    }

    [Fact]
    public void SnapshotThenSegmentsRebuildsTheBucket()
    {
        using var directory = new TempDirectory();
        var snapshot = directory.Write("snapshot.englang", VerifierTests.SnapshotBytes(seq: 10));
        var segment = directory.Write("segment.englang", TestData.ToBytes([TestData.Set(11, "c", "three"), Delete(12, "a")]));

        var result = BucketReplayer.ReplayFiles([snapshot, segment], Now);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal(12, result.State.LastSeq);
        Assert.Equal(["b", "c"], result.State.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([0xFF], result.State.Entries["b"].Value);
        Assert.Equal(10, result.State.Entries["b"].Version);
        Assert.Equal(TimeSpan.FromSeconds(60), result.State.DefaultTtl);
    }

    [Fact]
    public void SnapshotReplacesEverythingBeforeIt()
    {
        var records = TestData.Read([
            .. TestData.ToBytes([TestData.Set(9, "old", "gone"), new EraseRecord(TestData.T0, TestData.Bucket, 10)]),
            .. VerifierTests.SnapshotBytes(seq: 10)]).Items.Select(item => item.Record);

        var state = BucketReplayer.Replay(records, Now).State;

        Assert.Equal(["a", "b"], state.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.False(state.Erased);
        Assert.Equal(10, state.LastSeq);
    }

    [Fact]
    public void GapIsAnErrorResultNotAnException()
    {
        var result = BucketReplayer.Replay([TestData.Set(1, "a", "1"), TestData.Set(2, "a", "2"), TestData.Set(4, "a", "4")], Now);

        Assert.False(result.Succeeded);
        var error = Assert.Single(result.Errors);
        Assert.Equal((BucketReplayer.RecordsSource, 3L), (error.File, error.Line));
        Assert.StartsWith("gap in the change history", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, result.State.LastSeq);
        AssertEntry(result.State, "a", "2", null, 2);
    }

    [Fact]
    public void OverlapIsAnErrorResultNamingTheFileAndLine()
    {
        using var first = new MemoryStream(TestData.ToBytes(VerifierTests.Changes(1, 4)));
        using var second = new MemoryStream(TestData.ToBytes(VerifierTests.Changes(3, 5)));

        var result = BucketReplayer.Replay([("one", first), ("two", second)], Now);

        Assert.Equal(new EnglangError("two", 1, "overlap in the change history: change 3 follows change 4 (expected change 5)"), Assert.Single(result.Errors));
        Assert.Equal(4, result.State.LastSeq);
    }

    [Fact]
    public void CorruptLineFailsAFileReplayAtThatLine()
    {
        var bytes = TestData.ToBytes(VerifierTests.Changes(1, 4));
        bytes[TestData.LineStarts(bytes)[1] + 3] ^= 0x02;
        using var stream = new MemoryStream(bytes);

        var result = BucketReplayer.Replay([("seg", stream)], Now);

        var error = Assert.Single(result.Errors);
        Assert.Equal(("seg", 2L), (error.File, error.Line));
        Assert.Equal(1, result.State.LastSeq);
    }

    [Fact]
    public void TornTailIsSkippedAndReported()
    {
        var bytes = TestData.ToBytes(VerifierTests.Changes(1, 4));
        using var stream = new MemoryStream(bytes[..^5]);

        var result = BucketReplayer.Replay([("seg", stream)], Now);

        Assert.True(result.Succeeded);
        Assert.Equal(3, result.State.LastSeq);
        Assert.Equal(4, Assert.Single(result.TornTails).Line);
    }

    [Fact]
    public void SnapshotDigestMismatchFailsAFileReplay()
    {
        var snapshot = VerifierTests.SnapshotBytes(seq: 3);
        var starts = TestData.LineStarts(snapshot);
        var entry = TestData.ToBytes([new SnapshotEntryRecord(TestData.T0, TestData.Bucket, "a", TestData.Utf8("2"), null, 3)]);
        byte[] tampered = [.. snapshot[..starts[1]], .. entry, .. snapshot[starts[2]..]];
        using var stream = new MemoryStream(tampered);

        var result = BucketReplayer.Replay([("snap", stream)], Now);

        Assert.StartsWith("snapshot digest mismatch", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
        Assert.Empty(result.State.Entries);
    }

    [Fact]
    public void InputEndingInsideASnapshotIsAnError()
    {
        var records = TestData.Read(VerifierTests.SnapshotBytes(seq: 3)).Items.Select(item => item.Record).SkipLast(1);
        var result = BucketReplayer.Replay(records, Now);
        Assert.Contains("ended inside the snapshot", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReplayedStateWrittenAsASnapshotReplaysToTheSameState()
    {
        var history = new List<EnglangRecord>();
        for (var seq = 1; seq <= 60; seq++)
        {
            history.Add((seq % 7) switch
            {
                0 => Delete(seq, $"k{seq % 5}"),
                1 => new ExpireRecord(TestData.At(seq), TestData.Bucket, seq, $"k{seq % 5}", TestData.At(50_000 + seq)),
                2 => new SetRecord(TestData.At(seq), TestData.Bucket, seq, $"k{seq % 5}", [(byte)seq, 0xFF], null),
                _ => TestData.Set(seq, $"k{seq % 5}", $"v{seq}\n\"{seq}\"", seq % 2 == 0 ? null : TestData.At(60_000)),
            });
        }

        var original = BucketReplayer.Replay(history, Now).State;
        using var stream = new MemoryStream();
        SnapshotWriter.Write(stream, TestData.Bucket, TestData.At(61), original);
        stream.Position = 0;
        var restored = BucketReplayer.Replay([("snap", stream)], Now).State;

        Assert.Equal(original.LastSeq, restored.LastSeq);
        Assert.Equal(original.Entries.Keys.Order(StringComparer.Ordinal), restored.Entries.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, entry) in original.Entries)
        {
            Assert.Equal(entry.Value, restored.Entries[key].Value);
            Assert.Equal(entry with { Value = restored.Entries[key].Value }, restored.Entries[key]);
        }
    }

    [Fact]
    public void IncrementalReplayIgnoresRecordsAfterTheStopPoint()
    {
        using var replayer = new BucketReplayer(Now with { StopAtSeq = 1 });
        Assert.True(replayer.Apply(TestData.Set(1, "a", "1")));
        Assert.False(replayer.Apply(TestData.Set(2, "a", "2")));
        Assert.True(replayer.IsStopped);
        Assert.False(replayer.Apply(TestData.Set(3, "a", "3")));
        Assert.Null(replayer.Error);
        AssertEntry(replayer.GetState(), "a", "1", null, 1);
    }

    [Fact]
    public void ReplayingLinesGivesWhatReplayingTheirRecordsGives()
    {
        // A file replay applies sets, deletions and snapshot entries straight from the line (keys
        // already held found without a string); a replay of records applies the records. Over
        // histories of every kind of change, with keys that need escapes, keys longer than the
        // in-place lookup takes, snapshots, stray lines and broken numbering, both must reach the
        // same state or stop with the same error.
        Gen.Select(HistoryStep.Array[1, 60], Gen.Int[0, 80].Nullable(0.7)).Sample((steps, stopAt) =>
        {
            var lines = HistoryLines(steps);
            var options = Now with { StopAtSeq = stopAt };
            var fromRecords = BucketReplayer.Replay(TestData.Read(lines).Items.Select(item => item.Record), options);
            var fromLines = BucketReplayer.Replay([("lines", new MemoryStream(lines))], options);

            Assert.Equal(fromRecords.Errors.Select(error => error.Message), fromLines.Errors.Select(error => error.Message));
            AssertSameState(fromRecords.State, fromLines.State);
        }, iter: 500);
    }

    private static readonly string[] HistoryKeys = ["a", "key:000001", "", "é", "quote \" \\ and\ttab", new string('k', 300), new string('é', 300)];

    /// <summary>One step of a history: a kind (most often a set), a key from a small pool, a value.</summary>
    private static readonly Gen<(int Kind, int Key, byte[] Value, bool Expiring)> HistoryStep = Gen.Select(
        Gen.Frequency((8, Gen.Const(0)), (3, Gen.Const(1)), (1, Gen.Int[2, 9])), Gen.Int[0, HistoryKeys.Length - 1], Generators.Value, Gen.Bool,
        (kind, key, value, expiring) => (kind, key, value, expiring));

    private static byte[] HistoryLines((int Kind, int Key, byte[] Value, bool Expiring)[] steps)
    {
        using var stream = new MemoryStream();
        var live = new Dictionary<string, (byte[] Value, long Version)>(StringComparer.Ordinal);
        long seq = 0;
        foreach (var (kind, keyIndex, value, expiring) in steps)
        {
            var key = HistoryKeys[keyIndex];
            var at = TestData.At((int)seq);
            DateTimeOffset? expiresAt = expiring ? TestData.At(kind == 0 ? 20_000 : 5) : null;
            switch (kind)
            {
                case 0:
                    EnglangWriter.Write(new SetRecord(at, TestData.Bucket, ++seq, key, value, expiresAt), stream);
                    live[key] = (value, seq);
                    break;
                case 1:
                    EnglangWriter.Write(new DeleteRecord(at, TestData.Bucket, ++seq, key, expiring), stream);
                    live.Remove(key);
                    break;
                case 2:
                    EnglangWriter.Write(new ExpireRecord(at, TestData.Bucket, ++seq, key, expiresAt), stream);
                    break;
                case 3:
                    EnglangWriter.Write(new PolicyRecord(at, TestData.Bucket, ++seq, EnglangDurability.Cache, TimeSpan.FromSeconds(60)), stream);
                    break;
                case 4:
                    EnglangWriter.Write(new ClearRecord(at, TestData.Bucket, ++seq), stream);
                    live.Clear();
                    break;
                case 5:
                    EnglangWriter.Write(new EraseRecord(at, TestData.Bucket, ++seq), stream);
                    live.Clear();
                    break;
                case 6:
                    SnapshotWriter.Write(stream, TestData.Bucket, at, seq, EnglangDurability.Critical, null,
                        live.Select(pair => (pair.Key, pair.Value.Value, (DateTimeOffset?)null, pair.Value.Version)));
                    break;
                case 7:
                    EnglangWriter.Write(new SnapshotEntryRecord(at, TestData.Bucket, key, value, null, seq), stream);
                    break;
                case 8:
                    EnglangWriter.Write(new SetRecord(at, TestData.Bucket, seq + 2, key, value, null), stream);
                    break;
                default:
                    EnglangWriter.Write(new SetRecord(at, "another", seq + 1, key, value, null), stream);
                    break;
            }
        }

        return stream.ToArray();
    }

    private static void AssertSameState(ReplayState expected, ReplayState actual)
    {
        Assert.Equal((expected.LastSeq, expected.Durability, expected.DefaultTtl, expected.Erased), (actual.LastSeq, actual.Durability, actual.DefaultTtl, actual.Erased));
        Assert.Equal(expected.Entries.Keys.Order(StringComparer.Ordinal), actual.Entries.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, entry) in expected.Entries)
        {
            Assert.Equal(entry.Value, actual.Entries[key].Value);
            Assert.Equal((entry.ExpiresAt, entry.Version), (actual.Entries[key].ExpiresAt, actual.Entries[key].Version));
        }
    }

    private static DeleteRecord Delete(long seq, string key) => new(TestData.At((int)seq), TestData.Bucket, seq, key);

    private static ReplayState Replay(params EnglangRecord[] records)
    {
        var result = BucketReplayer.Replay(records, Now);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.State;
    }

    private static void AssertEntry(ReplayState state, string key, string value, DateTimeOffset? expiresAt, long version)
    {
        var entry = state.Entries[key];
        Assert.Equal(value, Encoding.UTF8.GetString(entry.Value));
        Assert.Equal((expiresAt, version), (entry.ExpiresAt, entry.Version));
    }
}
