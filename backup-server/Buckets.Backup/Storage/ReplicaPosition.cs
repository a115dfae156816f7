namespace Buckets.Backup.Storage;

/// <summary>How new a replica's copy of a bucket is: the epoch that wrote its last change, then that change's number (compared in that order).</summary>
/// <param name="WriterEpoch">The epoch whose activation wrote the last stored change (w).</param>
/// <param name="LastSeq">The last stored change (s).</param>
public readonly record struct ReplicaPosition(long WriterEpoch, long LastSeq) : IComparable<ReplicaPosition>
{
    public int CompareTo(ReplicaPosition other) => (WriterEpoch, LastSeq).CompareTo((other.WriterEpoch, other.LastSeq));

    public static bool operator <(ReplicaPosition left, ReplicaPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(ReplicaPosition left, ReplicaPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(ReplicaPosition left, ReplicaPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ReplicaPosition left, ReplicaPosition right) => left.CompareTo(right) >= 0;
}
