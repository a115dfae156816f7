using Buckets.Abstractions.Backup;

namespace Buckets.Backup.Storage;

/// <summary>What happened to an append.</summary>
/// <param name="Status">Whether it was stored.</param>
/// <param name="LastSeq">The last sequence number now stored (the acknowledgement).</param>
/// <param name="Detail">A human-readable reason when refused.</param>
public sealed record AppendResult(AckStatus Status, long LastSeq, string? Detail = null);
