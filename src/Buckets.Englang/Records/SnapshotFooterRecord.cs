namespace Buckets.Englang;

/// <summary>
/// Closes a snapshot. <see cref="Digest"/> is the lowercase hex of the first 16 bytes of the
/// SHA-256 of the snapshot's header and entry lines exactly as written (each with its checksum
/// and line feed).
/// </summary>
/// <param name="At">When the snapshot was taken.</param>
/// <param name="BucketId">The bucket.</param>
/// <param name="Seq">The change the snapshot is as of (equal to the header's).</param>
/// <param name="EntryCount">How many entries the snapshot held (equal to the header's).</param>
/// <param name="Digest">32 lowercase hex digits.</param>
public sealed record SnapshotFooterRecord(
    DateTimeOffset At,
    string BucketId,
    long Seq,
    long EntryCount,
    string Digest) : EnglangRecord(At, BucketId), ISequencedRecord;
