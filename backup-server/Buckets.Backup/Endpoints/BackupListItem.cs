using Buckets.Backup.Status;

namespace Buckets.Backup.Endpoints;

/// <summary>One bucket in <c>GET /admin/v1/backups</c>: its id and, when stored recently (see <c>Backup:Status:MaxTrackedBuckets</c>), its last store and lag.</summary>
public sealed record BackupListItem(string Id, BucketLag? LastStored);
