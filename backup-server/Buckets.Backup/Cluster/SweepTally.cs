namespace Buckets.Backup.Cluster;

/// <summary>The running counts of one integrity sweep; its workers add to it at once (thread-safe).</summary>
internal sealed class SweepTally
{
    private readonly Lock _lock = new();
    private readonly List<string> _belowTargetIds = [];
    private long _held, _kept, _inSync, _damaged, _divergent, _behind, _ambiguous, _repaired, _repairsFailed, _deferred, _failed, _belowTarget, _bytes;

    public void Held() => Interlocked.Increment(ref _held);

    public void Read(long bytes) => Interlocked.Add(ref _bytes, bytes);

    public void Repaired() => Interlocked.Increment(ref _repaired);

    public void RepairFailed() => Interlocked.Increment(ref _repairsFailed);

    public void CheckFailed() => Interlocked.Increment(ref _failed);

    /// <summary>A bucket this server is a replica of, and what was found.</summary>
    public void Kept(SweepFinding finding, bool deferred)
    {
        Interlocked.Increment(ref _kept);
        switch (finding)
        {
            case SweepFinding.Damaged:
                Interlocked.Increment(ref _damaged);
                break;
            case SweepFinding.Divergent or SweepFinding.BehindTooLong:
                Interlocked.Increment(ref _divergent);
                break;
            case SweepFinding.Behind:
                Interlocked.Increment(ref _behind);
                break;
            case SweepFinding.Ambiguous:
                Interlocked.Increment(ref _ambiguous);
                break;
            default:
                Interlocked.Increment(ref _inSync);
                break;
        }

        if (deferred)
        {
            Interlocked.Increment(ref _deferred);
        }
    }

    public void BelowTarget(string bucketId)
    {
        Interlocked.Increment(ref _belowTarget);
        lock (_lock)
        {
            if (_belowTargetIds.Count < IntegritySweep.MaxIdsReported)
            {
                _belowTargetIds.Add(bucketId);
            }
        }
    }

    public SweepReport ToReport(DateTimeOffset startedAt, DateTimeOffset finishedAt)
    {
        lock (_lock)
        {
            return new SweepReport(
                startedAt, finishedAt, _held, _kept, _inSync, _damaged, _divergent, _behind, _ambiguous,
                _repaired, _repairsFailed, _deferred, _failed, _belowTarget, [.. _belowTargetIds.Order(StringComparer.Ordinal)], _bytes);
        }
    }
}
