using System.Globalization;

namespace Buckets.EndToEnd.Tests.Chaos;

/// <summary>
/// Where a silo's recovery went, as seconds after its kill: failure detection (the survivors' first
/// missed probe, the first suspicion vote, the death declaration in the membership table), the
/// membership update (the last survivor to stop probing it), the grain directory (the lease put on the
/// dead silo's range, until when, and the end of range recovery), re-activation (the first and last
/// bucket rehydrated on a survivor) and the clients (the first failing bucket answering again, and the last).
/// Gathered from the membership table and the survivors' JSON logs; a step not found is shown as
/// missing ("-") and never fails a round by itself.
/// </summary>
public sealed record RecoveryTimeline(
    int Round,
    string Victim,
    TimeSpan? FirstMissedProbe,
    TimeSpan? FirstVote,
    TimeSpan? DeclaredDead,
    TimeSpan? ViewsUpdated,
    TimeSpan? LeasePlaced,
    TimeSpan? LeaseEnds,
    TimeSpan? DirectoryRecovered,
    TimeSpan? FirstReactivated,
    TimeSpan? LastReactivated,
    TimeSpan? FirstBucketBack,
    TimeSpan AllBucketsBack)
{
    public const string Header =
        "| round | victim | first missed probe | first vote | declared dead | survivors' views | directory lease placed | lease ends | directory recovered | first bucket rehydrated | last bucket rehydrated | first failing bucket answers | every bucket answers |\n" +
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";

    /// <summary>Builds the timeline of the round whose silo on <paramref name="siloPort"/> was killed at <paramref name="killedAt"/>.</summary>
    public static RecoveryTimeline From(
        int round,
        string victim,
        int siloPort,
        DateTimeOffset killedAt,
        MembershipWatch membership,
        IReadOnlyList<SiloLogEvent> survivorLogs,
        DateTimeOffset? firstBucketBackAt,
        DateTimeOffset allBucketsBackAt)
    {
        var after = survivorLogs.Where(e => e.At >= killedAt).ToList();
        DateTimeOffset? First(Func<SiloLogEvent, bool> which) => after.Where(which).Select(e => (DateTimeOffset?)e.At).Min();
        DateTimeOffset? Last(Func<SiloLogEvent, bool> which) => after.Where(which).Select(e => (DateTimeOffset?)e.At).Max();

        var missedProbe = First(e => e.Names(siloPort) && (e.Template.StartsWith("Did not get response for probe", StringComparison.Ordinal)
            || e.Template.StartsWith("Did not receive a probe response", StringComparison.Ordinal)));

        // Orleans logs the silos a survivor probes whenever that set changes: the last survivor to drop the victim.
        var viewsUpdated = after.Where(e => e.Template.StartsWith("Will watch (actively ping)", StringComparison.Ordinal) && !e.Names(siloPort))
            .GroupBy(e => e.Silo).Select(g => (DateTimeOffset?)g.Min(e => e.At)).Max();

        var leases = after.Where(e => e.Template.Contains("under a lease until", StringComparison.Ordinal)
            || (e.Template.StartsWith("Placed lease hold on dead silo", StringComparison.Ordinal) && e.Names(siloPort))).ToList();
        var leasePlaced = leases.Select(e => (DateTimeOffset?)e.At).Min();
        var leaseEnds = leases
            .Select(e => DateTimeOffset.TryParse(e.Property("Expiration"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var until) ? until : (DateTimeOffset?)null)
            .Max();

        var recovered = Last(e => e.Template.StartsWith("Completed recovering activations", StringComparison.Ordinal));
        // Until every bucket answered, the buckets that activate are those that lived on the victim.
        bool Rehydrated(SiloLogEvent e) => e.Template.StartsWith("Bucket {BucketId} activated", StringComparison.Ordinal) && e.At <= allBucketsBackAt;
        var reactivated = First(Rehydrated);
        var lastReactivated = Last(Rehydrated);

        TimeSpan? Since(DateTimeOffset? at) => at - killedAt;
        return new RecoveryTimeline(
            round,
            victim,
            Since(missedProbe),
            Since(membership.FirstVoteAt),
            Since(membership.DeclaredDeadAt),
            Since(viewsUpdated),
            Since(leasePlaced),
            Since(leaseEnds),
            Since(recovered),
            Since(reactivated),
            Since(lastReactivated),
            Since(firstBucketBackAt),
            allBucketsBackAt - killedAt);
    }

    public override string ToString() =>
        $"| {Round} | {Victim} | {S(FirstMissedProbe)} | {S(FirstVote)} | {S(DeclaredDead)} | {S(ViewsUpdated)} | {S(LeasePlaced)} | {S(LeaseEnds)} | {S(DirectoryRecovered)} | {S(FirstReactivated)} | {S(LastReactivated)} | {S(FirstBucketBack)} | {S(AllBucketsBack)} |";

    private static string S(TimeSpan? offset) => offset is { } value ? value.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture) : "-";
}
