using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Buckets.Server.Hosting;

/// <summary>
/// How fast a crashed silo is declared dead and its buckets come back on the others, and what that
/// costs in false suspicions (docs/reliability.md, "Failure detection and recovery after kill -9"). Buckets' defaults replace
/// Orleans' (ProbeTimeout 5 s, 3 missed probes, a 30 s directory lease: 6.6 s and 25 s measured to
/// every bucket answering); <c>Buckets:Membership</c> and <c>Buckets:GrainDirectory</c> override them.
/// </summary>
public static class FailureDetection
{
    /// <summary>Orleans failure-detection settings, bound as ClusterMembershipOptions.</summary>
    public const string MembershipSection = "Buckets:Membership";

    /// <summary>Orleans grain directory settings, bound as GrainDirectoryOptions (<c>RangeLeaseDuration</c>).</summary>
    public const string GrainDirectorySection = "Buckets:GrainDirectory";

    // The initial probe timeout; Orleans adapts each peer's between half and four times it. Silos of
    // one cluster sit on one network (sub-millisecond round trips), so a second is far above a
    // healthy answer. A crashed process refuses the connection at once: it is suspected at the next
    // probe (every half second or so), not after a timeout.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);

    // Two probes in a row missed before a vote; a vote also needs a failed indirect probe through another silo.
    private const int NumMissedProbesLimit = 2;

    // Votes of two silos declare a silo dead (Orleans' default, stated so it is not lowered by accident).
    private const int NumVotesForDeathDeclaration = 2;

    // Votes older than this no longer count: two unrelated blips far apart do not add up to a death.
    // Longer than the slowest detection (4 × ProbeTimeout × NumMissedProbesLimit = 8 s) with margin.
    private static readonly TimeSpan DeathVoteExpirationTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Registers the defaults, then binds the two sections over them.</summary>
    public static IServiceCollection AddBucketsFailureDetection(this IServiceCollection services)
    {
        services.AddOptions<ClusterMembershipOptions>()
            .Configure(membership =>
            {
                membership.ProbeTimeout = ProbeTimeout;
                membership.NumMissedProbesLimit = NumMissedProbesLimit;
                membership.NumVotesForDeathDeclaration = NumVotesForDeathDeclaration;
                membership.DeathVoteExpirationTimeout = DeathVoteExpirationTimeout;
                // Stated because the short timeout relies on them (Orleans turns them on by default): a prober that is
                // itself starved waits longer, a direct miss is confirmed through another silo, and a peer
                // whose connection brought any message within MaxProbeTimeout × NumMissedProbesLimit is
                // not voted against (a paused silo is not declared dead for a pause shorter than that).
                membership.ExtendProbeTimeoutDuringDegradation = true;
                membership.EnableIndirectProbes = true;
                membership.EnableConnectionLivenessCheck = true;
            })
            .BindConfiguration(MembershipSection);

        // The lease keeps a dead silo's grains from re-activating elsewhere until RangeLeaseDuration after
        // its estimated failure, which Orleans puts at the declaration minus MaxProbeTimeout ×
        // NumMissedProbesLimit: so that a silo wrongly declared dead has stopped before its grains run
        // twice. Orleans' 30 s held a crashed silo's buckets for 22 of the 25 s its crash cost (measured).
        // Buckets does not rely on it: every activation of a standard or critical bucket wins an epoch from
        // a majority of its backup replicas before it serves, and a superseded one is fenced there
        // (docs/reliability.md). So the lease is that window itself: nothing after a declared death, and
        // the full window where Orleans applies it unreduced (a stopping silo whose directory range could
        // not be handed over).
        services.AddOptions<GrainDirectoryOptions>()
            .Configure<IOptions<ClusterMembershipOptions>>((directory, membership) =>
                directory.RangeLeaseDuration = membership.Value.MaxProbeTimeout * membership.Value.NumMissedProbesLimit)
            .BindConfiguration(GrainDirectorySection);
        return services;
    }
}
