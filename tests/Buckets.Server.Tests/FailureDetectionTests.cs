using Buckets.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Buckets.Server.Tests;

/// <summary>The silo runs Buckets' failure-detection defaults, not Orleans' (docs/reliability.md).</summary>
[Collection(BucketsApiGroup.Name)]
public sealed class FailureDetectionTests(BucketsApiFactory factory)
{
    [Fact]
    public void TheSiloProbesWithBucketsDefaults()
    {
        var membership = factory.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;

        Assert.Equal(TimeSpan.FromSeconds(1), membership.ProbeTimeout);
        Assert.Equal(2, membership.NumMissedProbesLimit);
        Assert.Equal(2, membership.NumVotesForDeathDeclaration);
        Assert.Equal(TimeSpan.FromSeconds(30), membership.DeathVoteExpirationTimeout);
        Assert.True(membership.EnableIndirectProbes && membership.ExtendProbeTimeoutDuringDegradation && membership.EnableConnectionLivenessCheck);
    }

    [Fact]
    public void TheDirectoryLeaseEndsWhenACrashedSiloIsDeclaredDead()
    {
        var membership = factory.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
        var directory = factory.Services.GetRequiredService<IOptions<GrainDirectoryOptions>>().Value;

        // Orleans counts the lease from the declaration minus this window: a longer lease would hold a crashed silo's buckets.
        var window = membership.MaxProbeTimeout * membership.NumMissedProbesLimit;
        Assert.Equal(TimeSpan.FromSeconds(8), window);
        Assert.Equal(window, directory.RangeLeaseDuration);
    }
}
