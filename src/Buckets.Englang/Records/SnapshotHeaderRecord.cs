namespace Buckets.Englang;

/// <summary>
/// Opens a snapshot: "the following <see cref="EntryCount"/> lines are the full state of the
/// bucket as of change <see cref="Seq"/>". A snapshot is this header, the entries, and a
/// <see cref="SnapshotFooterRecord"/>, all in one file; <see cref="SnapshotWriter"/> writes one.
/// </summary>
/// <param name="At">When the snapshot was taken.</param>
/// <param name="BucketId">The bucket.</param>
/// <param name="Seq">The last change included in the snapshot.</param>
/// <param name="EntryCount">How many entry lines follow.</param>
/// <param name="Durability">The bucket's durability at that point.</param>
/// <param name="DefaultTtl">The bucket's default time to live at that point, or <c>null</c>.</param>
public sealed record SnapshotHeaderRecord(
    DateTimeOffset At,
    string BucketId,
    long Seq,
    long EntryCount,
    string Durability,
    TimeSpan? DefaultTtl) : EnglangRecord(At, BucketId), ISequencedRecord;
