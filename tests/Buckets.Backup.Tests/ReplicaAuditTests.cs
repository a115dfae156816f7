using Buckets.Abstractions.Backup;
using Buckets.Backup.Cluster;
using Buckets.Englang;

namespace Buckets.Backup.Tests;

/// <summary>The integrity sweep's decisions for one bucket (<see cref="ReplicaAudit"/>) and the copy rule it shares with resync (<see cref="NewestCopy"/>).</summary>
public sealed class ReplicaAuditTests
{
    private const string Bucket = "audit-bucket";
    private static readonly string[] Servers = ["http://10.0.0.1:8081", "http://10.0.0.2:8081", "http://10.0.0.3:8081"];
    private static readonly ReplicationOptions AllThree = new() { Critical = 3, Standard = 3 };
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(2);
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly CatchUpClock _clock = new();

    [Fact]
    public void ACopyThatAgreesWithItsPeersIsInSyncAndTheBucketMeetsItsTarget()
    {
        var verdict = Decide(Holds(0, 2, 10, "a"), Holds(1, 2, 10, "a"), Holds(2, 2, 10, "a"));

        Assert.Equal(SweepFinding.InSync, verdict.Finding);
        Assert.Null(verdict.Repair);
        Assert.Equal(3, verdict.Holding);
        Assert.False(verdict.BelowTarget);
    }

    [Fact]
    public void ADamagedCopyRepairsFromTheNewestVerifiedOneUnderTheHighestEpochAnyReplicaKnows()
    {
        var verdict = Decide(
            new ReplicaAnswer(Servers[0], ReplicaHolding.Damaged),
            Holds(1, 3, 12, "b", epoch: 7),
            Holds(2, 3, 11, "c", epoch: 9));

        Assert.Equal(SweepFinding.Damaged, verdict.Finding);
        Assert.True(verdict.RepairsNow);
        Assert.Equal(Servers[1], verdict.Repair!.Source);
        Assert.Equal(9, verdict.Repair.Epoch);
        Assert.True(verdict.BelowTarget);
    }

    [Fact]
    public void ACopyWithTheSameLastChangeButAnotherDigestThanTheMajorityIsDivergentAndRepairsFromTheMajority()
    {
        var verdict = Decide(Holds(0, 2, 10, "mine"), Holds(1, 2, 10, "theirs"), Holds(2, 2, 10, "theirs"));

        Assert.Equal(SweepFinding.Divergent, verdict.Finding);
        Assert.True(verdict.RepairsNow);
        Assert.Equal(2, verdict.Repair!.Agreeing);
        Assert.Equal("theirs", verdict.Repair.Digest.Digest);
    }

    [Fact]
    public void TwoCopiesThatDisagreeWithoutAMajorityKeepTheirOwnAndAskForAnOperator()
    {
        var two = new ReplicationOptions { Critical = 2, Standard = 2 };
        var servers = Servers[..2];
        var verdict = ReplicaAudit.Decide(Bucket, Holds(0, 2, 10, "x"), [Holds(1, 2, 10, "y")], servers, two, _clock, Now, Grace);
        var theirs = ReplicaAudit.Decide(Bucket, Holds(1, 2, 10, "y"), [Holds(0, 2, 10, "x")], servers, two, _clock, Now, Grace);

        // Neither takes the other's copy, so they never swap back and forth.
        Assert.Equal(SweepFinding.Ambiguous, verdict.Finding);
        Assert.Equal(SweepFinding.Ambiguous, theirs.Finding);
        Assert.False(verdict.RepairsNow);
        Assert.False(theirs.RepairsNow);
    }

    [Fact]
    public void ACopyBehindWaitsOutTheGracePeriodAndCountsAsHoldingMeanwhileThenRepairs()
    {
        var first = Decide(Holds(0, 2, 8, "old"), Holds(1, 2, 10, "new"), Holds(2, 2, 10, "new"));
        Assert.Equal(SweepFinding.Behind, first.Finding);
        Assert.False(first.RepairsNow);
        Assert.False(first.BelowTarget);

        var later = Decide(Now + Grace, Holds(0, 2, 9, "older"), Holds(1, 2, 11, "newer"), Holds(2, 2, 11, "newer"));

        Assert.Equal(SweepFinding.BehindTooLong, later.Finding);
        Assert.True(later.RepairsNow);
        Assert.True(later.BelowTarget);
        Assert.Equal(11, later.Repair!.Digest.LastSeq);
    }

    [Fact]
    public void ACopyThatKeepsUpUnderALoadIsNeverTakenForStuck()
    {
        // Always a little behind, but each time past what was newest when it was first seen behind.
        for (var round = 0; round < 5; round++)
        {
            var at = Now + (Grace * round);
            var verdict = Decide(at, Holds(0, 2, 10 + (2 * round), "h"), Holds(1, 2, 11 + (2 * round), "p"), Holds(2, 2, 11 + (2 * round), "p"));
            Assert.Equal(SweepFinding.Behind, verdict.Finding);
        }
    }

    [Fact]
    public void ACopyOfTheSameWriterWhoseHistoryDiffersFromAPeerAheadIsDivergentAtOnce()
    {
        var ahead = Holds(1, 2, 12, "p12") with { PrefixDigest = "p-at-10" };
        var verdict = Decide(Holds(0, 2, 10, "mine-at-10"), ahead, Holds(2, 2, 12, "p12"));

        Assert.Equal(SweepFinding.Divergent, verdict.Finding);
        Assert.True(verdict.RepairsNow);
    }

    [Fact]
    public void AnEraseMissedByOneReplicaOutranksItsOlderCopy()
    {
        // The erase took a fresh epoch for w, so the erased state is newer whatever the old copy's last change.
        var erased = new ReplicaDigest(6, 6, 10, "empty-at-10", EnglangDurability.Standard, Erased: true);
        var verdict = Decide(
            Now + Grace,
            Holds(0, 4, 10, "values"),
            ReplicaAnswer.Of(Servers[1], erased),
            ReplicaAnswer.Of(Servers[2], erased));
        Assert.Equal(SweepFinding.Behind, verdict.Finding);

        var later = Decide(Now + Grace + Grace, Holds(0, 4, 10, "values"), ReplicaAnswer.Of(Servers[1], erased), ReplicaAnswer.Of(Servers[2], erased));
        Assert.Equal(SweepFinding.BehindTooLong, later.Finding);
        Assert.True(later.Repair!.Digest.Erased);
        Assert.Equal(6, later.Repair.Epoch);
    }

    [Fact]
    public void AnErasureReachesAServerOutsideTheSmallerClassesReplicas()
    {
        // The erased state is empty and names no class: a critical bucket's third replica must take it too.
        var standardTwo = new ReplicationOptions { Critical = 3, Standard = 2 };
        var bucket = Enumerable.Range(0, 100).Select(i => $"erased-{i}").First(id => !ReplicaPlacement.IsReplica(id, Servers, 2, 0));
        var erased = new ReplicaDigest(6, 6, 10, "empty-at-10", EnglangDurability.Standard, Erased: true);
        ReplicaAudit.Decide(bucket, Holds(0, 4, 10, "values"), [ReplicaAnswer.Of(Servers[1], erased), ReplicaAnswer.Of(Servers[2], erased)], Servers, standardTwo, _clock, Now, Grace);

        var verdict = ReplicaAudit.Decide(bucket, Holds(0, 4, 10, "values"), [ReplicaAnswer.Of(Servers[1], erased), ReplicaAnswer.Of(Servers[2], erased)], Servers, standardTwo, _clock, Now + Grace, Grace);

        Assert.Equal(SweepFinding.BehindTooLong, verdict.Finding);
        Assert.True(verdict.RepairsNow);
    }

    [Fact]
    public void ARepairWaitsWhenAReplicaDoesNotAnswerItsEpochMayBeTheHighest()
    {
        var verdict = Decide(new ReplicaAnswer(Servers[0], ReplicaHolding.Damaged), Holds(1, 2, 10, "a"), new ReplicaAnswer(Servers[2], ReplicaHolding.Unreachable));

        Assert.Equal(SweepFinding.Damaged, verdict.Finding);
        Assert.True(verdict.Deferred);
        Assert.False(verdict.RepairsNow);
    }

    [Fact]
    public void AServerNoLongerAmongABucketsReplicasLeavesItAlone()
    {
        var two = new ReplicationOptions { Critical = 2, Standard = 2 };
        var bucket = Enumerable.Range(0, 100).Select(i => $"moved-{i}").First(id => !ReplicaPlacement.IsReplica(id, Servers, 2, 0));

        var verdict = ReplicaAudit.Decide(bucket, Holds(0, 1, 3, "stale"), [Holds(1, 2, 10, "a"), Holds(2, 2, 10, "a")], Servers, two, _clock, Now, Grace);

        Assert.Equal(SweepFinding.NotPlacedHere, verdict.Finding);
        Assert.False(verdict.RepairsNow);
    }

    [Fact]
    public void AMissingReplicaLeavesTheBucketBelowItsTarget()
    {
        var verdict = Decide(Holds(0, 2, 10, "a"), Holds(1, 2, 10, "a"), new ReplicaAnswer(Servers[2], ReplicaHolding.Missing));

        Assert.Equal(SweepFinding.InSync, verdict.Finding);
        Assert.Equal(2, verdict.Holding);
        Assert.True(verdict.BelowTarget);
    }

    [Fact]
    public void TheReplicaCountFollowsTheNewestCopysClassCappedAtTheServers()
    {
        // The newest copy names the class (a policy change reaches the replicas as a change).
        var critical = ReplicaAnswer.Of(Servers[1], new ReplicaDigest(2, 2, 11, "a", EnglangDurability.Critical, false));
        var options = new ReplicationOptions { Critical = 5, Standard = 1 };
        var bucket = Enumerable.Range(0, 100).Select(i => $"class-{i}").First(id => ReplicaPlacement.Replicas(id, Servers, 1)[0] == 1);

        var verdict = ReplicaAudit.Decide(bucket, Holds(0, 2, 10, "a"), [critical, Holds(2, 2, 10, "a")], Servers, options, _clock, Now, Grace);

        Assert.Equal(3, verdict.Replicas);
        Assert.Equal(SweepFinding.Behind, verdict.Finding);
    }

    [Fact]
    public void ResyncAndTheSweepTakeTheNewestCopyAndTheMajorityOnlyBreaksTiesOfOneVersion()
    {
        // A longer history held by one replica beats an older one two agree on: no stored write is dropped.
        var newest = NewestCopy.Choose([("a", Digest(2, 11, "x")), ("b", Digest(2, 10, "y")), ("c", Digest(2, 10, "y"))], null, 2);
        Assert.Equal("a", newest!.Source);

        var tie = NewestCopy.Choose([("a", Digest(2, 10, "x")), ("b", Digest(2, 10, "y")), ("c", Digest(2, 10, "y"))], null, 2);
        Assert.Equal("b", tie!.Source);
        Assert.False(tie.Ambiguous);
        Assert.Null(NewestCopy.Choose([], null, 2));
    }

    private ReplicaVerdict Decide(ReplicaAnswer own, params ReplicaAnswer[] peers) => Decide(Now, own, peers);

    private ReplicaVerdict Decide(DateTimeOffset now, ReplicaAnswer own, params ReplicaAnswer[] peers) =>
        ReplicaAudit.Decide(Bucket, own, peers, Servers, AllThree, _clock, now, Grace);

    private static ReplicaAnswer Holds(int server, long writerEpoch, long lastSeq, string digest, long? epoch = null) =>
        ReplicaAnswer.Of(Servers[server], Digest(writerEpoch, lastSeq, digest, epoch));

    private static ReplicaDigest Digest(long writerEpoch, long lastSeq, string digest, long? epoch = null) =>
        new(epoch ?? writerEpoch, writerEpoch, lastSeq, digest, EnglangDurability.Standard, false);
}
