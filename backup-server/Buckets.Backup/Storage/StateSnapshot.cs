namespace Buckets.Backup.Storage;

/// <summary>A bucket's state at some point, as an Englang snapshot.</summary>
/// <param name="Seq">The last change included.</param>
/// <param name="EntryCount">Live entries in the snapshot.</param>
/// <param name="Snapshot">Header, entries and footer as UTF-8 Englang lines.</param>
public sealed record StateSnapshot(long Seq, long EntryCount, byte[] Snapshot);
