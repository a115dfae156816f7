using Buckets.Abstractions;

namespace Buckets.Core.Tests;

public sealed class ChangeJournalTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void MapRecordsEveryChangeInTheJournal()
    {
        var map = new BucketMap(new LimitsOptions()) { Journal = new ChangeJournal(100, 0) };
        map.Set("a", [1], null, null, false, Now);
        map.Delete("a", null, Now);

        var changes = map.Journal.ChangesAfter(0, 10);

        Assert.NotNull(changes);
        Assert.Equal([(1L, ChangeKind.Set), (2L, ChangeKind.Delete)], changes.Select(c => (c.Seq, c.Kind)));
    }

    [Fact]
    public void AcknowledgedChangesAreDropped()
    {
        var journal = Filled(capacity: 10, count: 5);

        journal.Acknowledge(3);

        Assert.Equal(2, journal.Count);
        Assert.Equal([4L, 5L], journal.ChangesAfter(3, 10)!.Select(c => c.Seq));
        Assert.False(journal.NeedsSnapshot);
    }

    [Fact]
    public void OverflowNeverDropsSilentlyButAsksForASnapshot()
    {
        var journal = Filled(capacity: 3, count: 5);

        Assert.Equal(1, journal.Overflows);
        Assert.True(journal.NeedsSnapshot);
        Assert.Null(journal.ChangesAfter(0, 10));
        Assert.Equal([4L, 5L], journal.ChangesAfter(3, 10)!.Select(c => c.Seq));
    }

    [Fact]
    public void AcknowledgingASnapshotClearsTheSnapshotNeed()
    {
        var journal = Filled(capacity: 3, count: 5);

        journal.Acknowledge(3);

        Assert.False(journal.NeedsSnapshot);
    }

    [Fact]
    public void JournalOverflowsWhenItsBytesPassTheBound()
    {
        const int ValueBytes = 1024;
        var journal = new ChangeJournal(capacity: 1000, lastSeq: 0, maxBytes: 4 * ValueBytes);
        for (var seq = 1; seq <= 10; seq++)
        {
            journal.Append(new BucketChange(seq, Now, ChangeKind.Set, "hot", new byte[ValueBytes]));
        }

        Assert.True(journal.Overflows > 0);
        Assert.True(journal.NeedsSnapshot);
        Assert.InRange(journal.Bytes, 1, 4 * ValueBytes);
        Assert.Equal(journal.Count * ChangeJournal.SizeOf(new BucketChange(1, Now, ChangeKind.Set, "hot", new byte[ValueBytes])), journal.Bytes);
    }

    [Fact]
    public void ChangeLargerThanTheByteBoundIsStillHeld()
    {
        var journal = new ChangeJournal(capacity: 1000, lastSeq: 0, maxBytes: 1024);

        Assert.True(journal.Append(new BucketChange(1, Now, ChangeKind.Set, "big", new byte[4096])));
        Assert.Equal([1L], journal.ChangesAfter(0, 10)!.Select(c => c.Seq));
    }

    [Fact]
    public void AcknowledgingReleasesTheBytesOfDroppedChanges()
    {
        var journal = Filled(capacity: 10, count: 5);
        var each = journal.Bytes / 5;

        journal.Acknowledge(3);

        Assert.Equal(2 * each, journal.Bytes);
        journal.Acknowledge(5);
        Assert.Equal(0, journal.Bytes);
    }

    [Fact]
    public void ChangesAfterAnOverflowSnapshotStayHeldForIncrementalBackup()
    {
        // Overflowed at change 5, when a snapshot at change 5 is taken; changes 6 and 7 follow it.
        var journal = Filled(capacity: 4, count: 7);
        Assert.False(journal.HoldsChangesAfter(journal.AcknowledgedSeq));

        journal.Acknowledge(5);

        Assert.True(journal.HoldsChangesAfter(5));
        Assert.False(journal.NeedsSnapshot);
        Assert.Equal([6L, 7L], journal.ChangesAfter(5, 10)!.Select(c => c.Seq));
    }

    [Fact]
    public void EveryFieldOfAChangeComesBackAsItWasWritten()
    {
        var journal = new ChangeJournal(capacity: 100, lastSeq: 0);
        BucketChange[] written =
        [
            new(1, Now, ChangeKind.Set, "cart", [1, 2, 3], Now.AddDays(1)),
            new(2, new DateTimeOffset(2026, 11, 25, 1, 2, 3, TimeSpan.FromHours(5.5)).AddTicks(7), ChangeKind.Set, "\ud800 lone surrogate, \u00e9, \"quotes\"\n", []),
            new(3, Now, ChangeKind.Expire, "cart", null, new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.FromHours(-3))),
            new(4, Now, ChangeKind.Expired, "gone", null, Now),
            new(5, Now, ChangeKind.Delete, "cart"),
            new(6, Now, ChangeKind.Clear, ""),
            new(7, Now, ChangeKind.Policy, "", Policy: new BucketPolicy(Durability.Critical, 3600)),
            new(8, Now, ChangeKind.Policy, "", Policy: new BucketPolicy(Durability.Cache, null)),
            new(9, Now, ChangeKind.Set, "big", Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray()),
        ];
        foreach (var change in written)
        {
            journal.Append(change);
        }

        var read = journal.ChangesAfter(0, 100)!;

        Assert.Equal(written.Length, read.Count);
        for (var i = 0; i < written.Length; i++)
        {
            Assert.Equal((written[i].Seq, written[i].At, written[i].At.Offset, written[i].Kind, written[i].Key, written[i].ExpiresAt, written[i].ExpiresAt?.Offset, written[i].Policy),
                (read[i].Seq, read[i].At, read[i].At.Offset, read[i].Kind, read[i].Key, read[i].ExpiresAt, read[i].ExpiresAt?.Offset, read[i].Policy));
            Assert.Equal(written[i].Value, read[i].Value);
        }
    }

    [Fact]
    public void ChangesReadInPlaceAreTheHeldChanges()
    {
        var journal = new ChangeJournal(capacity: 100, lastSeq: 10);
        journal.Append(11, Now, ChangeKind.Set, "a\ud800", [7, 8], Now.AddHours(1));
        journal.Append(12, Now.AddTicks(1), ChangeKind.Delete, "b", null, null);
        journal.Append(13, Now.AddTicks(2), ChangeKind.Set, "c", [], null);

        Assert.True(journal.TryRead(11, 10, out var held));
        Assert.Equal(2, held.Count);
        var read = new List<(long, DateTimeOffset, ChangeKind, string, bool, string, DateTimeOffset?)>();
        foreach (var change in held)
        {
            read.Add((change.Seq, change.At, change.Kind, new string(change.Key), change.HasValue, Convert.ToHexString(change.Value), change.ExpiresAt));
        }

        Assert.Equal([(12L, Now.AddTicks(1), ChangeKind.Delete, "b", false, "", null), (13L, Now.AddTicks(2), ChangeKind.Set, "c", true, "", null)], read);
        Assert.True(journal.TryRead(10, 1, out var first));
        Assert.Equal(1, first.Count);
        foreach (var change in first)
        {
            Assert.Equal((11L, "a\ud800", "0708", Now.AddHours(1)), (change.Seq, new string(change.Key), Convert.ToHexString(change.Value), change.ExpiresAt));
        }

        Assert.True(journal.TryRead(13, 10, out var none));
        Assert.Equal(0, none.Count);
        journal.Acknowledge(12);
        Assert.False(journal.TryRead(10, 10, out _));
    }

    [Fact]
    public void AppendsAndAcknowledgementsInAnyOrderKeepExactlyTheUnacknowledgedChanges()
    {
        // The journal moves its changes to the front of its array or into a larger one as it goes:
        // against a plain list, every step must hold the same changes with the same contents.
        var random = new Random(20261202);
        var journal = new ChangeJournal(capacity: 1_000, lastSeq: 0);
        var expected = new List<BucketChange>();
        var seq = 0L;
        for (var step = 0; step < 20_000; step++)
        {
            if (random.Next(3) > 0)
            {
                var change = new BucketChange(++seq, Now.AddTicks(seq), ChangeKind.Set, "key" + random.Next(50), new byte[random.Next(0, 300)]);
                random.NextBytes(change.Value!);
                Assert.True(journal.Append(change));
                expected.Add(change);
            }
            else if (expected.Count > 0)
            {
                var upTo = expected[random.Next(expected.Count)].Seq;
                journal.Acknowledge(upTo);
                expected.RemoveAll(change => change.Seq <= upTo);
            }

            if (step % 97 == 0)
            {
                journal.TrimExcess();
            }

            Assert.Equal(expected.Count, journal.Count);
            Assert.Equal(expected.Sum(ChangeJournal.SizeOf), journal.Bytes);
            if (step % 13 == 0)
            {
                var after = expected.Count > 0 ? expected[random.Next(expected.Count)].Seq - 1 : seq;
                var held = journal.ChangesAfter(after, 5)!;
                var want = expected.Where(change => change.Seq > after).Take(5).ToList();
                Assert.Equal(want.Select(c => (c.Seq, c.At, c.Key)), held.Select(c => (c.Seq, c.At, c.Key)));
                Assert.Equal(want.Select(c => Convert.ToHexString(c.Value!)), held.Select(c => Convert.ToHexString(c.Value!)));
            }
        }

        Assert.True(seq > 10_000);
    }

    [Fact]
    public void AQuietJournalGivesBackItsRoomAndKeepsWhatItHolds()
    {
        var journal = new ChangeJournal(capacity: 10_000, lastSeq: 0);
        for (var seq = 1; seq <= 1_000; seq++)
        {
            journal.Append(new BucketChange(seq, Now, ChangeKind.Set, "k", new byte[100]));
        }

        journal.Acknowledge(999);
        Assert.True(journal.WorthTrimming);

        journal.TrimExcess();

        Assert.False(journal.WorthTrimming);
        Assert.Equal([1000L], journal.ChangesAfter(999, 10)!.Select(c => c.Seq));
        journal.Acknowledge(1000);
        journal.TrimExcess();
        Assert.Equal(0, journal.Count);
        Assert.True(journal.Append(new BucketChange(1001, Now, ChangeKind.Delete, "k")));
        Assert.Equal([1001L], journal.ChangesAfter(1000, 10)!.Select(c => c.Seq));
    }

    [Fact]
    public void AMapGoneQuietTrimsItsJournalToo()
    {
        // One key rewritten: the entry table has nothing to give back, the journal's array does.
        var map = new BucketMap(new LimitsOptions()) { Journal = new ChangeJournal(100_000, 0) };
        for (var i = 0; i < 1_000; i++)
        {
            map.Set("hot", new byte[100], null, null, false, Now);
        }

        map.Journal.Acknowledge(map.LastSeq - 1);
        Assert.True(map.WorthTrimming);

        map.TrimExcess();

        Assert.False(map.WorthTrimming);
        Assert.Equal([map.LastSeq], map.Journal.ChangesAfter(map.LastSeq - 1, 10)!.Select(c => c.Seq));
    }

    private static ChangeJournal Filled(int capacity, int count)
    {
        var journal = new ChangeJournal(capacity, 0);
        for (var seq = 1; seq <= count; seq++)
        {
            journal.Append(new BucketChange(seq, Now, ChangeKind.Delete, "k"));
        }

        return journal;
    }
}
