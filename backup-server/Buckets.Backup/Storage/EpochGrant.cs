namespace Buckets.Backup.Storage;

/// <summary>A new epoch for a bucket activation, with the state it must start from.</summary>
/// <param name="Epoch">The activation's epoch; changes from older epochs are refused from now on.</param>
/// <param name="LastSeq">The sequence number of the last stored change.</param>
/// <param name="Snapshot">The state at <paramref name="LastSeq"/> as an Englang snapshot (UTF-8).</param>
public sealed record EpochGrant(long Epoch, long LastSeq, byte[] Snapshot);
