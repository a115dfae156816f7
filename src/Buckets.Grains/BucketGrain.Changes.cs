using Buckets.Abstractions;
using Buckets.Abstractions.Backup;
using Buckets.Core;
using Buckets.Englang;

namespace Buckets.Grains;

/// <summary>
/// The change feed's side of the bucket: readers pull the changes after a number (a long poll that
/// survives silo moves and crashes, since the reader keeps its place and asks any silo again). The
/// first read starts an in-memory window of recent changes; older numbers come from the journal or
/// the backup server; a window nobody read from for <c>Buckets:Feed:WindowIdleTimeout</c> is dropped.
/// </summary>
public sealed partial class BucketGrain
{
    private ChangeWindow? _feedWindow;
    private TaskCompletionSource? _nextChange;
    private DateTimeOffset _lastFeedRead;
    private IGrainTimer? _feedIdleTimer;
    private long _waitedAt;

    public async ValueTask<ChangePage> ReadChangesAsync(long afterSeq, int maxChanges, TimeSpan wait)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterSeq);
        if (maxChanges < 1 || maxChanges > _feed.PageChanges)
        {
            throw new ArgumentOutOfRangeException(nameof(maxChanges), maxChanges, $"A read returns 1 to {_feed.PageChanges} changes.");
        }

        await EnsureReadyAsync();
        var window = FollowChanges();
        if (afterSeq > _map.LastSeq)
        {
            return new ChangePage([], _map.LastSeq, ChangePageStatus.Ahead);
        }

        if (afterSeq >= VisibleLastSeq && wait > TimeSpan.Zero)
        {
            await WaitForChangeAsync(wait < _feed.MaxWait ? wait : _feed.MaxWait);
            window = FollowChanges();
        }

        var visible = VisibleLastSeq;
        if (afterSeq >= visible)
        {
            return new ChangePage([], visible, ChangePageStatus.Ok);
        }

        if (window.ChangesAfter(afterSeq, maxChanges, _feed.WindowBytes) is { } held)
        {
            return new ChangePage(UpTo(held, visible), visible, ChangePageStatus.Ok);
        }

        if (_map.Journal?.ChangesAfter(afterSeq, maxChanges) is { Count: > 0 } journaled)
        {
            return new ChangePage(UpTo(journaled, visible), visible, ChangePageStatus.Ok);
        }

        return await ReadStoredChangesAsync(afterSeq, maxChanges, window);
    }

    /// <summary>
    /// The last change readers may see: one the bucket's backup holds, so a crash never takes back a
    /// change a reader saw (its number would be given to another change after the rehydration, and a
    /// reader resuming after it would skip that one). A critical bucket shows a change once its write
    /// quorum stored it, a standard one once one replica did (see <see cref="PushEarly"/>); a
    /// bucket without a backup shows every change at once.
    /// </summary>
    private long VisibleLastSeq
    {
        get
        {
            if (_policy.Durability == Durability.Cache || _tracks.Count == 0)
            {
                return _map.LastSeq;
            }

            var needed = _policy.Durability == Durability.Critical ? _replicas.WriteQuorum(_tracks.Count) : 1;
            var durable = _tracks.Replicas.Select(replica => _tracks.StoredBy(replica.Id)).Where(seq => _tracks.HoldingCount(seq) >= needed).DefaultIfEmpty(0).Max();
            return Math.Min(durable, _map.LastSeq);
        }
    }

    private static List<BucketChange> UpTo(IReadOnlyList<BucketChange> changes, long lastSeq) =>
        [.. changes.TakeWhile(change => change.Seq <= lastSeq)];

    /// <summary>The bucket's window, started on the first read and kept in step with the bucket's numbering.</summary>
    private ChangeWindow FollowChanges()
    {
        _lastFeedRead = Now;
        if (_feedWindow is null)
        {
            _feedWindow = new ChangeWindow(_feed.WindowChanges, _feed.WindowBytes, _map.LastSeq);
            _feedIdleTimer ??= this.RegisterGrainTimer(
                DropIdleWindow,
                new GrainTimerCreationOptions(_feed.WindowIdleTimeout, _feed.WindowIdleTimeout) { Interleave = false, KeepAlive = false });
        }

        if (_feedWindow.LastSeq != _map.LastSeq)
        {
            // The numbering moved without a change the window saw (a policy or restore adds one, an
            // epoch from a newer backup jumps): older numbers are read from the journal or the backup.
            _feedWindow.Restart(_map.LastSeq);
        }

        _map.Feed = _feedWindow;
        return _feedWindow;
    }

    /// <summary>Reports a change made outside the map (policy, restore) to the window and wakes waiting readers.</summary>
    private void RecordFeedOnlyChange(ChangeKind kind, BucketPolicy? policy)
    {
        if (_feedWindow is { } window)
        {
            _map.Feed = window;
            window.Append(new BucketChange(_map.LastSeq, Now, kind, "", Policy: policy));
        }

        WakeFeedReaders();
    }

    /// <summary>Called after every call that may have changed the bucket: wakes the readers waiting for a change.</summary>
    private void WakeFeedReaders()
    {
        if (_nextChange is { } next && VisibleLastSeq != _waitedAt)
        {
            _nextChange = null;
            next.TrySetResult();
        }
    }

    private async Task WaitForChangeAsync(TimeSpan wait)
    {
        _waitedAt = VisibleLastSeq;
        var next = _nextChange ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timeout = new CancellationTokenSource();
        await Task.WhenAny(next.Task, Task.Delay(wait, _time, timeout.Token));
        timeout.Cancel();
    }

    /// <summary>Older changes than memory holds, from a replica that keeps the bucket; the first that answers is used.</summary>
    private async Task<ChangePage> ReadStoredChangesAsync(long afterSeq, int maxChanges, ChangeWindow window)
    {
        var oldestInMemory = Math.Min(window.HeldAfter, _map.Journal is { } journal && journal.HoldsChangesAfter(journal.AcknowledgedSeq) ? journal.AcknowledgedSeq : long.MaxValue);
        if (!_replicas.IsEnabled || _policy.Durability == Durability.Cache)
        {
            return new ChangePage([], _map.LastSeq, ChangePageStatus.TooOld, oldestInMemory);
        }

        var unavailable = false;
        foreach (var replica in ReplicasFor(_policy.Durability))
        {
            StoredChanges? stored;
            try
            {
                stored = await replica.Client.ReadChangesAsync(BucketId, afterSeq, maxChanges, CancellationToken.None);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                GrainsLog.FeedBackupReadFailed(_logger, BucketId, replica.Id, e);
                unavailable = true;
                continue;
            }

            if (stored is null)
            {
                // Never stored there: only memory has this bucket's history.
                return new ChangePage([], _map.LastSeq, ChangePageStatus.TooOld, oldestInMemory);
            }

            if (afterSeq < stored.OldestAfter)
            {
                return new ChangePage([], _map.LastSeq, ChangePageStatus.TooOld, Math.Min(stored.OldestAfter, oldestInMemory));
            }

            var changes = ParseStored(stored.Englang, afterSeq);
            if (changes.Count > 0 || stored.LastSeq > afterSeq)
            {
                return new ChangePage(changes, _map.LastSeq, ChangePageStatus.Ok);
            }

            // This replica has not stored the next change yet; memory no longer holds it either when
            // the journal overflowed to a snapshot that has not arrived: the next read will tell.
            return new ChangePage([], _map.LastSeq, ChangePageStatus.Ok);
        }

        return new ChangePage([], _map.LastSeq, unavailable ? ChangePageStatus.Unavailable : ChangePageStatus.TooOld, oldestInMemory);
    }

    /// <summary>The stored lines as changes, in order from <paramref name="afterSeq"/> + 1; stops at anything that does not follow.</summary>
    private static List<BucketChange> ParseStored(byte[] englang, long afterSeq)
    {
        var changes = new List<BucketChange>();
        using var reader = new EnglangReader(new MemoryStream(englang, writable: false), "changes");
        while (reader.TryRead(out var item))
        {
            BucketChange? change = item.Record switch
            {
                SetRecord set => new(set.Seq, set.At, ChangeKind.Set, set.Key, set.Value, set.ExpiresAt),
                DeleteRecord delete => new(delete.Seq, delete.At, delete.Expired ? ChangeKind.Expired : ChangeKind.Delete, delete.Key, null, delete.Deadline),
                ExpireRecord expire => new(expire.Seq, expire.At, ChangeKind.Expire, expire.Key, null, expire.ExpiresAt),
                ClearRecord clear => new(clear.Seq, clear.At, ChangeKind.Clear, ""),
                EraseRecord erase => new(erase.Seq, erase.At, ChangeKind.Clear, ""),
                PolicyRecord policy => new(policy.Seq, policy.At, ChangeKind.Policy, "", Policy: Backup.EnglangBatches.Policy(policy.Durability, policy.DefaultTtl)),
                SnapshotHeaderRecord header => new(header.Seq, header.At, ChangeKind.Snapshot, "", Policy: Backup.EnglangBatches.Policy(header.Durability, header.DefaultTtl)),
                _ => null,
            };
            if (change is null || change.Seq != afterSeq + changes.Count + 1)
            {
                break;
            }

            changes.Add(change);
        }

        return changes;
    }

    private Task DropIdleWindow(CancellationToken cancellationToken)
    {
        if (_feedWindow is not null && Now - _lastFeedRead >= _feed.WindowIdleTimeout && _nextChange is null)
        {
            _feedWindow = null;
            _map.Feed = null;
            _feedIdleTimer?.Dispose();
            _feedIdleTimer = null;
        }

        return Task.CompletedTask;
    }

    /// <summary>Ends every waiting read (the activation is going away); readers ask again and reach the next activation.</summary>
    private void ReleaseFeedReaders()
    {
        _nextChange?.TrySetResult();
        _nextChange = null;
    }
}
