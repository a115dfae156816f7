using Buckets.Abstractions.Backup;

namespace Buckets.Backup.Tests;

/// <summary>Rendezvous placement: stable, even, minimal movement when the server list changes, and nested across replica counts.</summary>
public sealed class ReplicaPlacementTests
{
    private static readonly string[] Five = [.. Enumerable.Range(0, 5).Select(i => $"http://buckets-backup-{i}.buckets-backup:8081")];
    private static readonly string[] Buckets = [.. Enumerable.Range(0, 10_000).Select(i => $"k{i:x8}")];

    [Fact]
    public void PlacementDependsOnlyOnTheBucketAndTheServerIdsNotOnTheListOrder()
    {
        var shuffled = Five.Reverse().ToArray();
        foreach (var bucket in Buckets.Take(500))
        {
            var here = ReplicaPlacement.Replicas(bucket, Five, 3).Select(i => Five[i]);
            var there = ReplicaPlacement.Replicas(bucket, shuffled, 3).Select(i => shuffled[i]);
            Assert.Equal(here, there);
            Assert.Equal(3, here.Distinct().Count());
        }
    }

    [Fact]
    public void EveryServerKeepsAboutItsShareOfTheBuckets()
    {
        var counts = new int[Five.Length];
        foreach (var bucket in Buckets)
        {
            foreach (var index in ReplicaPlacement.Replicas(bucket, Five, 2))
            {
                counts[index]++;
            }
        }

        // Each server's expected share is 2/5 of 10,000 = 4,000; five standard deviations is about ±250.
        Assert.All(counts, count => Assert.InRange(count, 3_750, 4_250));
    }

    [Fact]
    public void AddingAServerMovesOnlyTheBucketsThatMustMoveAndOnlyToIt()
    {
        var six = Five.Append("http://buckets-backup-5.buckets-backup:8081").ToArray();
        var moved = 0;
        foreach (var bucket in Buckets)
        {
            var before = ReplicaPlacement.Replicas(bucket, Five, 2).Select(i => Five[i]).ToHashSet();
            var after = ReplicaPlacement.Replicas(bucket, six, 2).Select(i => six[i]).ToHashSet();
            var gained = after.Except(before).ToList();
            Assert.True(gained.Count <= 1, $"bucket {bucket} gained {gained.Count} replicas");
            if (gained.Count == 1)
            {
                Assert.Equal(six[5], gained[0]);
                moved++;
            }
        }

        // About R/(N+1) = 2/6 of the buckets take the new server as a replica.
        Assert.InRange(moved, 3_000, 3_700);
    }

    [Fact]
    public void RemovingAServerMovesOnlyTheBucketsItKept()
    {
        var four = Five[..4];
        foreach (var bucket in Buckets.Take(2_000))
        {
            var before = ReplicaPlacement.Replicas(bucket, Five, 2).Select(i => Five[i]).ToList();
            var after = ReplicaPlacement.Replicas(bucket, four, 2).Select(i => four[i]).ToList();
            if (!before.Contains(Five[4]))
            {
                Assert.Equal(before, after);
            }
            else
            {
                Assert.Contains(before.Single(server => server != Five[4]), after);
            }
        }
    }

    [Fact]
    public void TheReplicasOfASmallerCountAreAPrefixOfThoseOfALargerOne()
    {
        foreach (var bucket in Buckets.Take(1_000))
        {
            var three = ReplicaPlacement.Replicas(bucket, Five, 3);
            Assert.Equal(three[..2], ReplicaPlacement.Replicas(bucket, Five, 2));
            Assert.Equal(three[..1], ReplicaPlacement.Replicas(bucket, Five, 1));
        }
    }

    [Fact]
    public void TheCountIsCappedAtTheNumberOfServersAndServerIdsIgnoreCaseAndPath()
    {
        Assert.Equal(5, ReplicaPlacement.Replicas("b", Five, 9).Length);
        Assert.Empty(ReplicaPlacement.Replicas("b", [], 3));
        Assert.Equal("http://backup-0:8081", ReplicaPlacement.ServerId(new Uri("HTTP://Backup-0:8081/some/path")));
        Assert.Equal(2, ReplicaPlacement.Majority(3));
        Assert.Equal(2, ReplicaPlacement.Majority(2));
        Assert.Equal(1, ReplicaPlacement.Majority(1));
    }
}
