using Buckets.Abstractions.Backup;

namespace Buckets.Backup.Pulling;

/// <summary>One silo as seen by the puller: answers pulls with its buckets' pending changes.</summary>
public interface IChangeFeed
{
    /// <summary>A stable name for logs and status (the silo's URL, or "in-process").</summary>
    string Name { get; }

    Task<PullResponse> PullAsync(PullRequest request, CancellationToken cancellationToken);
}
