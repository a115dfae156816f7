namespace Buckets.Backup.Cluster;

/// <summary>What one integrity sweep of this server found and did (the cluster status's last sweep, and the <c>IntegritySweepFinished</c> event's details).</summary>
/// <param name="StartedAt">When it started.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="BucketsHeld">Buckets with a manifest in this server's store.</param>
/// <param name="BucketsKept">Of those, buckets this server is a replica of (the rest are left alone: moves are not the sweep's work).</param>
/// <param name="InSync">Kept buckets whose copy here verifies and is the newest.</param>
/// <param name="Damaged">Copies here whose own verification failed.</param>
/// <param name="Divergent">Copies here that diverge from the newest (another digest at the same change, or behind past the grace period).</param>
/// <param name="Behind">Copies here behind a peer within the grace period (the grains are delivering).</param>
/// <param name="Ambiguous">Buckets whose replicas disagree with no majority: an operator decides.</param>
/// <param name="Repaired">Copies here replaced from a peer and verified by digest.</param>
/// <param name="RepairsFailed">Repairs that failed (no readable copy anywhere, a read or install that failed, a digest that did not match).</param>
/// <param name="Deferred">Repairs put off because a replica did not answer (its epoch is unknown).</param>
/// <param name="Failed">Buckets that could not be checked (an I/O error); the next sweep tries again.</param>
/// <param name="BelowTarget">Kept buckets with fewer than min(R, N) replicas holding a verified copy at the newest change.</param>
/// <param name="BelowTargetIds">Some of those bucket ids (at most <see cref="IntegritySweep.MaxIdsReported"/>).</param>
/// <param name="BytesRead">Bytes of bucket files read and copies fetched.</param>
public sealed record SweepReport(
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    long BucketsHeld,
    long BucketsKept,
    long InSync,
    long Damaged,
    long Divergent,
    long Behind,
    long Ambiguous,
    long Repaired,
    long RepairsFailed,
    long Deferred,
    long Failed,
    long BelowTarget,
    IReadOnlyList<string> BelowTargetIds,
    long BytesRead)
{
    /// <summary>Seconds the sweep took.</summary>
    public double Seconds => (FinishedAt - StartedAt).TotalSeconds;
}

/// <summary>The integrity sweep's state for the cluster status.</summary>
/// <param name="Enabled">False when <c>Backup:Sweep:Enabled</c> is off.</param>
/// <param name="Running">True while a sweep is under way.</param>
/// <param name="Checked">Buckets the running sweep has checked so far (0 when none runs).</param>
/// <param name="Last">The last finished sweep, or <c>null</c> before the first.</param>
public sealed record SweepStatus(bool Enabled, bool Running, long Checked, SweepReport? Last);
