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
