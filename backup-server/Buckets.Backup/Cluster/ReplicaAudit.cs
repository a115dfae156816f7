using Buckets.Abstractions.Backup;
using Buckets.Englang;

namespace Buckets.Backup.Cluster;

/// <summary>What the integrity sweep found about this server's copy of one bucket.</summary>
public enum SweepFinding
{
    /// <summary>Its copy verifies and is the newest one (or the one a majority holds).</summary>
    InSync,

    /// <summary>This server is not among the bucket's replicas (placement changed): left alone, moves are not the sweep's work.</summary>
    NotPlacedHere,

    /// <summary>Its own verification failed (checksums, continuity, snapshot digests) or it does not read.</summary>
    Damaged,

    /// <summary>The same (writer epoch, last change) as the newest copy but another digest, or another history than a peer of its writer epoch at their common change.</summary>
    Divergent,

    /// <summary>Behind a peer's newer copy, within the grace period (the grains are delivering).</summary>
    Behind,

    /// <summary>Behind a peer's newer copy for longer than the grace period.</summary>
    BehindTooLong,

    /// <summary>Copies of the newest version differ and none is held by a majority: an operator decides.</summary>
    Ambiguous,
}

/// <summary>The sweep's verdict on one bucket here: what it found, what to install if anything, and how many replicas hold it.</summary>
/// <param name="Finding">What was found.</param>
/// <param name="Repair">The copy to install when one is due (<see cref="NewestCopy"/>'s choice), else <c>null</c>.</param>
/// <param name="Replicas">The bucket's replica count, min(R, N), by the class of its newest copy.</param>
/// <param name="Holding">Replicas holding a verified copy of the newest version (or catching up to it within the grace period).</param>
/// <param name="Deferred">True when a repair is due but a replica did not answer or is damaged (its epoch is unknown): tried again next sweep.</param>
public sealed record ReplicaVerdict(SweepFinding Finding, CopyChoice? Repair, int Replicas, int Holding, bool Deferred)
{
    /// <summary>True when fewer replicas hold the newest copy than the bucket's target, min(R, N).</summary>
    public bool BelowTarget => Holding < Replicas;

    /// <summary>True when the sweep installs <see cref="Repair"/> now.</summary>
    public bool RepairsNow => Repair is not null && !Deferred && Finding is SweepFinding.Damaged or SweepFinding.Divergent or SweepFinding.BehindTooLong;
}

/// <summary>
/// The integrity sweep's decision for one bucket (docs/backup-protocol.md, "Integrity sweep"), pure but
/// for the <see cref="CatchUpClock"/> it updates: the bucket's replicas are the first min(R, N) of its
/// placement with R by the class of its newest copy (every server of the widest class when that copy is
/// an erasure, so an erase reaches every copy); among their readable copies
/// <see cref="NewestCopy.Choose"/> names the copy all should hold; this server's copy is damaged,
/// divergent, behind (past the grace period or not) or in sync against it.
/// </summary>
public static class ReplicaAudit
{
    /// <summary>
    /// Weighs <paramref name="own"/> (this server's answer: <see cref="ReplicaHolding.Holds"/> or
    /// <see cref="ReplicaHolding.Damaged"/>) against <paramref name="peers"/> (any other servers'
    /// answers, in placement order; those outside the replica set are ignored).
    /// </summary>
    public static ReplicaVerdict Decide(
        string bucketId,
        ReplicaAnswer own,
        IReadOnlyList<ReplicaAnswer> peers,
        IReadOnlyList<string> serverIds,
        ReplicationOptions replication,
        CatchUpClock clock,
        DateTimeOffset now,
        TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(peers);
        ArgumentNullException.ThrowIfNull(serverIds);
        ArgumentNullException.ThrowIfNull(replication);
        ArgumentNullException.ThrowIfNull(clock);
        var self = own.Server;
        var answers = peers.Where(peer => !Same(peer.Server, self)).Prepend(own).ToList();
        var newest = answers.Where(a => a.Digest is not null).MaxBy(a => a.Digest!.Version)?.Digest;

        // An erasure names no class (the erased state is empty) and must reach every copy: it is kept by
        // every server a bucket of any class may be on.
        var replicas = newest is { Erased: true }
            ? replication.WidestCount(serverIds.Count)
            : Math.Min(newest?.Durability == EnglangDurability.Critical ? replication.Critical : replication.Standard, serverIds.Count);
        var set = ReplicaPlacement.Replicas(bucketId, serverIds, replicas).Select(index => serverIds[index]).ToList();
        if (!set.Any(server => Same(server, self)))
        {
            return new ReplicaVerdict(SweepFinding.NotPlacedHere, null, replicas, 0, false);
        }

        var inSet = set.Select(server => answers.FirstOrDefault(a => Same(a.Server, server)) ?? new ReplicaAnswer(server, ReplicaHolding.Unreachable)).ToList();
        var readable = inSet.Where(a => a is { Holding: ReplicaHolding.Holds, Digest: not null }).Select(a => (a.Server, a.Digest!)).ToList();
        var choice = NewestCopy.Choose(readable, own.Holding == ReplicaHolding.Holds ? self : null, ReplicaPlacement.Majority(replicas));
        if (choice is null)
        {
            // Nothing readable anywhere in the set: nothing to compare with, nothing to repair from.
            return new ReplicaVerdict(own.Holding == ReplicaHolding.Holds ? SweepFinding.InSync : SweepFinding.Damaged, null, replicas, 0, false);
        }

        var holding = 0;
        var selfBehindFor = TimeSpan.Zero;
        foreach (var answer in inSet)
        {
            if (answer.Digest is not { } digest || answer.Holding != ReplicaHolding.Holds)
            {
                clock.Caught(bucketId, answer.Server);
                continue;
            }

            if (digest.Version == choice.Digest.Version)
            {
                clock.Caught(bucketId, answer.Server);
                holding += digest.Digest == choice.Digest.Digest ? 1 : 0;
            }
            else if (digest.Version < choice.Digest.Version)
            {
                var behindFor = clock.Behind(bucketId, answer.Server, digest.Version, choice.Digest.Version, now);
                holding += behindFor < grace ? 1 : 0;
                selfBehindFor = Same(answer.Server, self) ? behindFor : selfBehindFor;
            }
        }

        // A repair needs every replica's epoch (the copy is installed under the highest any of them knows).
        var unknownEpoch = inSet.Any(a => !Same(a.Server, self) && a.Holding is ReplicaHolding.Unreachable or ReplicaHolding.Damaged);
        if (own.Holding != ReplicaHolding.Holds || own.Digest is not { } mine)
        {
            return new ReplicaVerdict(SweepFinding.Damaged, choice, replicas, holding, unknownEpoch);
        }

        if (Same(choice.Source, self))
        {
            return new ReplicaVerdict(choice.Ambiguous ? SweepFinding.Ambiguous : SweepFinding.InSync, null, replicas, holding, false);
        }

        var finding = mine.Version == choice.Digest.Version || DivergesFromAPeerAhead(mine, inSet)
            ? SweepFinding.Divergent
            : selfBehindFor >= grace ? SweepFinding.BehindTooLong : SweepFinding.Behind;
        return new ReplicaVerdict(finding, finding == SweepFinding.Behind ? null : choice, replicas, holding, finding != SweepFinding.Behind && unknownEpoch);
    }

    /// <summary>A peer of the same writer epoch that is ahead holds another state at this replica's last change: their histories differ.</summary>
    private static bool DivergesFromAPeerAhead(ReplicaDigest mine, IEnumerable<ReplicaAnswer> inSet) =>
        inSet.Any(a => a.Digest is { } theirs
            && theirs.WriterEpoch == mine.WriterEpoch
            && theirs.LastSeq > mine.LastSeq
            && a.PrefixDigest is { } prefix
            && prefix != mine.Digest);

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
