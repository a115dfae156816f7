using Buckets.Abstractions;

namespace Buckets.Core;

/// <summary>
/// Whether a write may apply: preconditions and limits, decided here and nowhere else. A single
/// <see cref="Set"/> or <see cref="Delete"/> asks with nothing pending; a batch's simulation asks
/// with what its earlier operations would have added or freed, so the simulation and the apply do
/// the same arithmetic and cannot disagree.
/// </summary>
public sealed partial class BucketMap
{
    /// <summary>
    /// Why a set cannot apply, or <c>null</c> when it can. <paramref name="current"/> is the key as the
    /// set finds it (in the map, or in a batch's view so far); <paramref name="newSize"/> its key plus
    /// value bytes after the set; <paramref name="pending"/> what earlier operations of the same batch
    /// added (<c>default</c> for a single set).
    /// </summary>
    private WriteOutcome? SetRefusal(KeyState current, long newSize, long? ifVersion, bool createOnly, Room pending, DateTimeOffset now)
    {
        if (createOnly && current.Exists)
        {
            return WriteOutcome.AlreadyExists;
        }

        if (ifVersion is not null && ifVersion != current.Version)
        {
            return WriteOutcome.VersionMismatch;
        }

        return HasRoomFor(pending + SetGrowth(current, newSize), now) ? null : WriteOutcome.BucketFull;
    }

    /// <summary>Why a delete cannot apply, or <c>null</c>; deleting an absent key without a version is allowed (a no-op).</summary>
    private static WriteOutcome? DeleteRefusal(KeyState current, long? ifVersion) =>
        ifVersion is not null && ifVersion != current.Version ? WriteOutcome.VersionMismatch : null;

    private static Room SetGrowth(KeyState current, long newSize) => new(current.Exists ? 0 : 1, newSize - current.Size);

    private static Room DeleteGrowth(KeyState current) => current.Exists ? new(-1, -current.Size) : default;

    private bool HasRoomFor(Room growth, DateTimeOffset now)
    {
        if (Fits(growth))
        {
            return true;
        }

        // Expired entries still occupy room until reclaimed; reclaim them all before refusing.
        // Reclaiming never touches a live entry, so a batch's view of the keys it saw stays true.
        ReclaimExpired(now, int.MaxValue);
        return Fits(growth);
    }

    private bool Fits(Room growth) =>
        _table.Count + growth.Entries <= _limits.MaxEntriesPerBucket && _bytes + growth.Bytes <= _limits.MaxBytesPerBucket;

    /// <summary>A key as an operation finds it: its live version (<c>null</c> when absent) and key plus value bytes.</summary>
    private readonly record struct KeyState(long? Version, long Size)
    {
        public static readonly KeyState Absent = new(null, 0);

        public bool Exists => Version is not null;
    }

    /// <summary>A change in entries and key plus value bytes (negative when room is freed).</summary>
    private readonly record struct Room(long Entries, long Bytes)
    {
        public static Room operator +(Room left, Room right) => new(left.Entries + right.Entries, left.Bytes + right.Bytes);
    }
}
