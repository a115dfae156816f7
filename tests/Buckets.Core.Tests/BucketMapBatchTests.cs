using Buckets.Abstractions;

namespace Buckets.Core.Tests;

public sealed class BucketMapBatchTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);
    private readonly BucketMap _map = new(new LimitsOptions { MaxEntriesPerBucket = 3 });

    private BatchResult Apply(params BatchOperation[] operations) => _map.ApplyBatch(operations, _ => null, Now);

    [Fact]
    public void AllOperationsApplyInOrderWithConsecutiveVersions()
    {
        var result = Apply(
            new BatchOperation(BatchOperationKind.Set, "a", [1]),
            new BatchOperation(BatchOperationKind.Set, "b", [2]),
            new BatchOperation(BatchOperationKind.Delete, "a"));

        Assert.True(result.Applied);
        Assert.Equal([WriteOutcome.Created, WriteOutcome.Created, WriteOutcome.Deleted], result.Results.Select(r => r.Outcome));
        Assert.Equal([1L, 2L, 3L], result.Results.Select(r => r.Version));
        Assert.False(_map.TryGet("a", Now, out _));
    }

    [Fact]
    public void OneFailedPreconditionAppliesNothing()
    {
        _map.Set("a", [1], null, null, false, Now);

        var result = Apply(
            new BatchOperation(BatchOperationKind.Set, "b", [2]),
            new BatchOperation(BatchOperationKind.Set, "a", [3], CreateOnly: true));

        Assert.False(result.Applied);
        Assert.Equal([WriteOutcome.NotAttempted, WriteOutcome.AlreadyExists], result.Results.Select(r => r.Outcome));
        Assert.False(_map.TryGet("b", Now, out _));
        Assert.Equal(1, _map.LastSeq);
    }

    [Fact]
    public void PreconditionsSeeEarlierOperationsOfTheSameBatch()
    {
        var result = Apply(
            new BatchOperation(BatchOperationKind.Set, "a", [1]),
            new BatchOperation(BatchOperationKind.Set, "a", [2], IfVersion: 1),
            new BatchOperation(BatchOperationKind.Delete, "a", IfVersion: 2),
            new BatchOperation(BatchOperationKind.Set, "a", [3], CreateOnly: true));

        Assert.True(result.Applied);
        Assert.True(_map.TryGet("a", Now, out var entry));
        Assert.Equal([3], entry.Value);
    }

    [Fact]
    public void BatchThatWouldOverflowTheBucketAppliesNothing()
    {
        var result = Apply(
            new BatchOperation(BatchOperationKind.Set, "a", [1]),
            new BatchOperation(BatchOperationKind.Set, "b", [1]),
            new BatchOperation(BatchOperationKind.Set, "c", [1]),
            new BatchOperation(BatchOperationKind.Set, "d", [1]));

        Assert.False(result.Applied);
        Assert.Equal([WriteOutcome.NotAttempted, WriteOutcome.NotAttempted, WriteOutcome.NotAttempted, WriteOutcome.BucketFull], result.Results.Select(r => r.Outcome));
        Assert.Equal(0, _map.StoredCount);
    }

    [Fact]
    public void SetBeforeDeleteOnAFullBucketIsRefusedAndAppliesNothing()
    {
        var map = new BucketMap(new LimitsOptions { MaxEntriesPerBucket = 2 });
        map.Set("a", [1], null, null, false, Now);
        map.Set("b", [2], null, null, false, Now);

        var result = map.ApplyBatch(
            [new BatchOperation(BatchOperationKind.Set, "c", [3]), new BatchOperation(BatchOperationKind.Delete, "a")], _ => null, Now);

        Assert.False(result.Applied);
        Assert.Equal([WriteOutcome.BucketFull, WriteOutcome.NotAttempted], result.Results.Select(r => r.Outcome));
        Assert.True(map.TryGet("a", Now, out _));
        Assert.False(map.TryGet("c", Now, out _));
        Assert.Equal(2, map.LastSeq);
    }

    [Fact]
    public void DeleteBeforeSetOnAFullBucketFreesRoomForTheSet()
    {
        var map = new BucketMap(new LimitsOptions { MaxEntriesPerBucket = 2 });
        map.Set("a", [1], null, null, false, Now);
        map.Set("b", [2], null, null, false, Now);

        var result = map.ApplyBatch(
            [new BatchOperation(BatchOperationKind.Delete, "a"), new BatchOperation(BatchOperationKind.Set, "c", [3])], _ => null, Now);

        Assert.True(result.Applied);
        Assert.Equal([WriteOutcome.Deleted, WriteOutcome.Created], result.Results.Select(r => r.Outcome));
        Assert.False(map.TryGet("a", Now, out _));
        Assert.True(map.TryGet("c", Now, out _));
    }

    [Fact]
    public void ByteLimitIsCheckedAfterEachOperationNotOnlyAtTheEnd()
    {
        // "a" + 8 bytes = 9 of 10 bytes. Growing "b" first overflows even though shrinking "a" afterwards would fit.
        var map = new BucketMap(new LimitsOptions { MaxBytesPerBucket = 10 });
        map.Set("a", new byte[8], null, null, false, Now);

        var result = map.ApplyBatch(
            [new BatchOperation(BatchOperationKind.Set, "b", new byte[4]), new BatchOperation(BatchOperationKind.Set, "a", [])], _ => null, Now);

        Assert.False(result.Applied);
        Assert.Equal([WriteOutcome.BucketFull, WriteOutcome.NotAttempted], result.Results.Select(r => r.Outcome));
        Assert.Equal(9, map.StoredBytes);
        Assert.False(map.TryGet("b", Now, out _));
    }

    [Fact]
    public void ShrinkingAnEntryEarlierInTheBatchMakesRoomForALaterOne()
    {
        var map = new BucketMap(new LimitsOptions { MaxBytesPerBucket = 10 });
        map.Set("a", new byte[8], null, null, false, Now);

        var result = map.ApplyBatch(
            [new BatchOperation(BatchOperationKind.Set, "a", []), new BatchOperation(BatchOperationKind.Set, "b", new byte[4])], _ => null, Now);

        Assert.True(result.Applied);
        Assert.Equal(6, map.StoredBytes);
    }

    [Fact]
    public void SettingTheSameNewKeyTwiceCountsAsOneEntry()
    {
        var map = new BucketMap(new LimitsOptions { MaxEntriesPerBucket = 2 });
        map.Set("a", [1], null, null, false, Now);

        var result = map.ApplyBatch(
            [new BatchOperation(BatchOperationKind.Set, "b", [1]), new BatchOperation(BatchOperationKind.Set, "b", [2])], _ => null, Now);

        Assert.True(result.Applied);
        Assert.Equal([WriteOutcome.Created, WriteOutcome.Replaced], result.Results.Select(r => r.Outcome));
    }

    [Fact]
    public void ExpiredEntriesDoNotTakeRoomFromABatch()
    {
        var map = new BucketMap(new LimitsOptions { MaxEntriesPerBucket = 2 });
        map.Set("a", [1], Now.AddSeconds(1), null, false, Now);
        map.Set("b", [2], Now.AddSeconds(1), null, false, Now);
        var later = Now.AddSeconds(2);

        var result = map.ApplyBatch(
            [new BatchOperation(BatchOperationKind.Set, "c", [3]), new BatchOperation(BatchOperationKind.Set, "d", [4])], _ => null, later);

        Assert.True(result.Applied);
        Assert.Equal(2, map.Measure(later).Entries);
    }

    [Fact]
    public void RefusedBatchReportsEveryOperationThatCouldNotApplyOnItsOwn()
    {
        var map = new BucketMap(new LimitsOptions { MaxEntriesPerBucket = 1 });
        map.Set("a", [1], null, null, false, Now);

        var result = map.ApplyBatch(
            [
                new BatchOperation(BatchOperationKind.Set, "b", [2]),
                new BatchOperation(BatchOperationKind.Set, "a", [3], IfVersion: 99),
                new BatchOperation(BatchOperationKind.Set, "a", [4]),
            ],
            _ => null,
            Now);

        Assert.False(result.Applied);
        Assert.Equal([WriteOutcome.BucketFull, WriteOutcome.VersionMismatch, WriteOutcome.NotAttempted], result.Results.Select(r => r.Outcome));
    }

    [Fact]
    public void DeletingAnAbsentKeyWithoutVersionDoesNotFailTheBatch()
    {
        var result = Apply(
            new BatchOperation(BatchOperationKind.Delete, "ghost"),
            new BatchOperation(BatchOperationKind.Set, "a", [1]));

        Assert.True(result.Applied);
        Assert.Equal(WriteOutcome.NotFound, result.Results[0].Outcome);
    }
}
