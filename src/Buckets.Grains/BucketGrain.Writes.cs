using Buckets.Abstractions;

namespace Buckets.Grains;

/// <summary>What follows every change: expiry timer, metrics, journal health.</summary>
public sealed partial class BucketGrain
{
    private long _seenOverflows;

    private ValueTask<WriteResult> AfterWriteAsync(WriteResult result)
    {
        if (result.Succeeded)
        {
            AfterChange();
        }

        return ValueTask.FromResult(result);
    }

    private ValueTask<BatchResult> AfterBatchAsync(BatchResult result)
    {
        if (result.Applied)
        {
            AfterChange();
        }

        return ValueTask.FromResult(result);
    }

    private ValueTask<BucketPolicy> SetPolicyCoreAsync(BucketPolicy policy)
    {
        _policy = policy;
        _map.RecordPolicy(policy, Now);
        AfterChange();
        return ValueTask.FromResult(policy);
    }

    private void AfterChange()
    {
        EnsureExpiryTimer();
        ReportMetrics();
        if (_map.Journal is { } journal && journal.Overflows != _seenOverflows)
        {
            _seenOverflows = journal.Overflows;
            _metrics.JournalOverflowed();
            GrainsLog.JournalOverflowed(_logger, BucketId, _options.JournalCapacity);
        }
    }

    private BackupProgress BackupProgress() =>
        _map.Journal is { } journal
            ? new BackupProgress(journal.AcknowledgedSeq, journal.Count, journal.NeedsSnapshot)
            : new BackupProgress(0, 0, false);
}
