
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
