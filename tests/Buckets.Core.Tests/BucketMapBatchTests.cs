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
        Assert.All(result.Results, r => Assert.Equal(WriteOutcome.BucketFull, r.Outcome));
        Assert.Equal(0, _map.StoredCount);
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
