using Buckets.Abstractions.Backup;
using Buckets.Core;

namespace Buckets.Grains.Backup;

/// <summary>
/// How far each replica of one bucket has stored its changes, and what the journal may therefore drop
/// (see docs/backup-protocol.md, "Pulls and the journal"). A replica is, at any time:
/// <list type="bullet">
/// <item>caught up or behind by changes the journal still holds: it gets them incrementally;</item>
/// <item>owed a snapshot (the journal no longer holds what it lacks, or its copy diverged): it gets the
/// whole state, and the journal keeps what follows the snapshot last sent to it;</item>
/// <item>left behind (it stayed behind past <see cref="ReplicationOptions.ReplicaLagBytes"/> or
/// <see cref="ReplicationOptions.ReplicaLagTime"/>): the journal stops waiting for it, and it gets a
/// snapshot when it asks next.</item>
/// </list>
/// Not thread-safe: owned by one activation.
/// </summary>
internal sealed class ReplicaTracks
{
    private Track[] _tracks = [];

    /// <summary>The bucket's replicas, highest placement weight first.</summary>
    public IReadOnlyList<BackupReplica> Replicas => [.. _tracks.Select(track => track.Replica)];

    public int Count => _tracks.Length;

    /// <summary>Starts over for a new set of replicas that all hold the state up to <paramref name="storedSeq"/> (or none of it, when <paramref name="snapshotOwed"/>).</summary>
    public void Reset(IReadOnlyList<BackupReplica> replicas, long storedSeq, bool snapshotOwed)
    {
        _tracks = [.. replicas.Select(replica => new Track(replica) { Stored = storedSeq, SnapshotOwed = snapshotOwed })];
    }

    /// <summary>Sets what one replica holds, as an election found it.</summary>
    public void Found(string replicaId, long storedSeq, bool snapshotOwed)
    {
        if (Find(replicaId) is { } track)
        {
            track.Stored = storedSeq;
            track.SnapshotOwed = snapshotOwed;
        }
    }

    public void OweSnapshotToAll()
    {
        foreach (var track in _tracks)
        {
            track.SnapshotOwed = true;
            track.SnapshotSentSeq = null;
        }
    }

    public bool Contains(string replicaId) => Find(replicaId) is not null;

    /// <summary>True when the next batch for the replica must be the whole state.</summary>
    public bool NeedsSnapshot(string replicaId, ChangeJournal journal) =>
        Find(replicaId) is not { } track || track.SnapshotOwed || track.LeftBehind || !journal.HoldsChangesAfter(track.Stored);

    /// <summary>The last change the replica acknowledged.</summary>
    public long StoredBy(string replicaId) => Find(replicaId)?.Stored ?? 0;

    /// <summary>A snapshot at <paramref name="seq"/> is on its way to the replica: the journal keeps what follows it until it is stored.</summary>
    public void SnapshotSent(string replicaId, long seq)
    {
        if (Find(replicaId) is { } track)
        {
            track.SnapshotSentSeq = seq;
            track.LeftBehind = false;
        }
    }

    /// <summary>Applies a stored acknowledgement; a snapshot owed is settled once the journal holds every change after it.</summary>
    public void Stored(string replicaId, long seq, ChangeJournal? journal)
    {
        if (Find(replicaId) is not { } track)
        {
            return;
        }

        track.Stored = Math.Max(track.Stored, seq);
        if (track.SnapshotOwed && (journal is null || journal.HoldsChangesAfter(track.Stored)))
        {
            track.SnapshotOwed = false;
            track.SnapshotSentSeq = null;
            track.LeftBehind = false;
        }
    }

    /// <summary>The replica lost what it stored: it holds nothing this bucket knows of, and is owed the whole state.</summary>
    public void Forget(string replicaId)
    {
        if (Find(replicaId) is { } track)
        {
            track.Stored = 0;
            track.SnapshotOwed = true;
            track.SnapshotSentSeq = null;
        }
    }

    /// <summary>The replica's copy cannot be continued incrementally (a gap, a conflict, an invalid batch).</summary>
    public void OweSnapshot(string replicaId)
    {
        if (Find(replicaId) is { } track)
        {
            track.SnapshotOwed = true;
            track.SnapshotSentSeq = null;
        }
    }

    /// <summary>The highest change every replica the journal waits for has stored (or will hold after its snapshot); <paramref name="lastSeq"/> when it waits for none.</summary>
    public long TrimPoint(long lastSeq)
    {
        var point = lastSeq;
        foreach (var track in _tracks)
        {
            if (track.LeftBehind)
            {
                continue;
            }

            var holds = track.SnapshotOwed ? track.SnapshotSentSeq ?? lastSeq : track.Stored;
            point = Math.Min(point, holds);
        }

        return point;
    }

    /// <summary>True when some replica the journal waits for lacks changes up to <paramref name="lastSeq"/>: memory holds their only copy there.</summary>
    public bool AnyWaitedForBehind(long lastSeq)
    {
        // A loop, not Any with a lambda: this runs on every write, and the closure over lastSeq was
        // an allocation per PUT (measured in the gc-verbose trace of a PUT load).
        foreach (var track in _tracks)
        {
            if (!track.LeftBehind && (track.SnapshotOwed || track.Stored < lastSeq))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>How many replicas hold every change up to <paramref name="seq"/>.</summary>
    public int HoldingCount(long seq) => _tracks.Count(track => !track.SnapshotOwed && track.Stored >= seq);

    /// <summary>A mask of the replicas (by server index) that have changes to collect.</summary>
    public ulong BehindMask(long lastSeq)
    {
        ulong mask = 0;
        foreach (var track in _tracks)
        {
            if (track.SnapshotOwed || track.LeftBehind || track.Stored < lastSeq)
            {
                mask |= 1UL << track.Replica.Index;
            }
        }

        return mask;
    }

    /// <summary>
    /// Leaves behind, at most all but one, the replicas that stayed behind too long or hold the journal
    /// past its byte bound; returns the ids left behind now.
    /// </summary>
    public IReadOnlyList<string> LeaveStragglers(long lastSeq, long journalBytes, DateTimeOffset now, ReplicationOptions options)
    {
        List<string>? left = null;
        foreach (var track in _tracks)
        {
            if (track.LeftBehind || (!track.SnapshotOwed && track.Stored >= lastSeq))
            {
                track.BehindSince = null;
                continue;
            }

            track.BehindSince ??= now;
            var tooLong = now - track.BehindSince.Value >= options.ReplicaLagTime;
            var tooLarge = journalBytes > options.ReplicaLagBytes && TrimPoint(lastSeq) == (track.SnapshotOwed ? track.SnapshotSentSeq ?? lastSeq : track.Stored);
            var others = 0;
            foreach (var other in _tracks)
            {
                others += other != track && !other.LeftBehind ? 1 : 0;
            }

            if ((tooLong || tooLarge) && others > 0)
            {
                track.LeftBehind = true;
                track.SnapshotOwed = true;
                track.SnapshotSentSeq = null;
                (left ??= []).Add(track.Replica.Id);
            }
        }

        return left ?? (IReadOnlyList<string>)[];
    }

    private Track? Find(string replicaId)
    {
        foreach (var track in _tracks)
        {
            if (string.Equals(track.Replica.Id, replicaId, StringComparison.OrdinalIgnoreCase))
            {
                return track;
            }
        }

        return null;
    }

    private sealed class Track(BackupReplica replica)
    {
        public BackupReplica Replica { get; } = replica;

        public long Stored { get; set; }

        public bool SnapshotOwed { get; set; }

        public long? SnapshotSentSeq { get; set; }

        public bool LeftBehind { get; set; }

        public DateTimeOffset? BehindSince { get; set; }
    }
}
