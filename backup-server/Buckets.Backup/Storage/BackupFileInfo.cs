namespace Buckets.Backup.Storage;

/// <summary>One file of a bucket's backup.</summary>
/// <param name="Name">File name inside the bucket folder.</param>
/// <param name="Kind">"snapshot" or "changes".</param>
/// <param name="FromSeq">First sequence number covered (a snapshot's own sequence for snapshots).</param>
/// <param name="ToSeq">Last sequence number covered.</param>
/// <param name="Bytes">Size on disk.</param>
/// <param name="Retired">True when superseded by a newer snapshot but kept for point-in-time restore.</param>
public sealed record BackupFileInfo(string Name, string Kind, long FromSeq, long ToSeq, long Bytes, bool Retired);
