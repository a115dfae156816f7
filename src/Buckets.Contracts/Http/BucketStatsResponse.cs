namespace Buckets.Contracts.Http;

/// <summary>Body of <c>GET /v1/bucket</c>.</summary>
/// <param name="Id">The bucket (API key) id.</param>
/// <param name="Entries">Live entries.</param>
/// <param name="Bytes">Key plus value bytes of live entries.</param>
/// <param name="OldestExpiry">Earliest expiry among live entries, if any.</param>
/// <param name="LastChange">Sequence number of the latest change.</param>
/// <param name="Policy">Durability and default TTL.</param>
/// <param name="Backup">Backup progress.</param>
public sealed record BucketStatsResponse(
    string Id,
    long Entries,
    long Bytes,
    DateTimeOffset? OldestExpiry,
    long LastChange,
    BucketPolicyDto Policy,
    BackupProgressResponse Backup);
