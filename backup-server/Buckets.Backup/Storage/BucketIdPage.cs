namespace Buckets.Backup.Storage;

/// <summary>One page of bucket ids in layout order (<see cref="BucketLayout"/>).</summary>
/// <param name="Ids">The ids of this page.</param>
/// <param name="Next">The cursor of the next page (the last id of this one), or null when this page is the last.</param>
public sealed record BucketIdPage(IReadOnlyList<string> Ids, string? Next);
