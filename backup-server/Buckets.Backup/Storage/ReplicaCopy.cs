namespace Buckets.Backup.Storage;

/// <summary>One replica's whole copy of a bucket, as a peer resyncing or repairing hands it on: its epochs and its state.</summary>
/// <param name="Epoch">The highest epoch the replica knows for the bucket (p).</param>
/// <param name="WriterEpoch">The epoch whose activation wrote its state (w).</param>
/// <param name="LastSeq">The last change the state holds (s).</param>
/// <param name="Snapshot">The state at <paramref name="LastSeq"/> as an Englang snapshot.</param>
/// <param name="Erased">True when the state is an erasure (empty, and the erased files are gone): a replica that installs it erases too, so no retired file keeps the erased values.</param>
public sealed record ReplicaCopy(long Epoch, long WriterEpoch, long LastSeq, byte[] Snapshot, bool Erased = false);
