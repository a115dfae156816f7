using Buckets.Backup.Storage;

namespace Buckets.Backup.Tests;

/// <summary>A replica forgets a bucket placed elsewhere only at the position its new replicas were found to hold.</summary>
public sealed class MoveTests : IDisposable
{
    private const string Bucket = "moved";
    private readonly TestStore _t = new();
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _t.Dispose();

    [Fact]
    public async Task ACopyIsForgottenOnlyAtThePositionItWasComparedAtAndStaysGoneAfterARestart()
    {
        Assert.Null(await _t.Store.PositionOfAsync(Bucket, Ct));
        var epoch = (await _t.Store.OpenEpochAsync(Bucket, Ct)).Epoch;
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(Lines.Set(Bucket, 1, "k", "1", TestStore.Start)), Ct);
        var compared = await _t.Store.PositionOfAsync(Bucket, Ct);
        Assert.Equal(new ReplicaPosition(epoch, 1), compared);

        // A change stored after the comparison (a silo on the old list still writes here) keeps the copy.
        await _t.Store.AppendChangesAsync(Bucket, epoch, Lines.Of(Lines.Set(Bucket, 2, "k", "2", TestStore.Start)), Ct);
        Assert.False(await _t.Store.ForgetCopyAsync(Bucket, compared!.Value, Ct));
        Assert.Equal(2, (await _t.Store.ReadStateAsync(Bucket, null, null, Ct))!.Seq);

        Assert.True(await _t.Store.ForgetCopyAsync(Bucket, new ReplicaPosition(epoch, 2), Ct));
        Assert.Empty(_t.Store.ListBuckets(null, 10).Ids);
        Assert.Null(await _t.Store.ReadStateAsync(Bucket, null, null, Ct));

        // Nothing of it comes back from the write-ahead log after a restart.
        var reopened = _t.Reopen();
        Assert.Empty(reopened.ListBuckets(null, 10).Ids);
        Assert.Null(await reopened.PositionOfAsync(Bucket, Ct));
    }
}
