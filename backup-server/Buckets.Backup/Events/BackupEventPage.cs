namespace Buckets.Backup.Events;

/// <summary>Body of <c>GET /admin/v1/events</c>: events newest first, and the cursor of the next (older) page, null at the end.</summary>
public sealed record BackupEventPage(IReadOnlyList<BackupEvent> Events, string? Next);
