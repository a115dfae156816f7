namespace Buckets.Abstractions.Backup;

/// <summary>Pending changes of the silo's buckets.</summary>
/// <param name="Batches">One batch per bucket with pending changes.</param>
/// <param name="More">True when buckets were left out because of <see cref="PullRequest.MaxBatches"/>.</param>
public sealed record PullResponse(IReadOnlyList<ChangeBatch> Batches, bool More);
