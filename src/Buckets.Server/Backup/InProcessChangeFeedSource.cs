using Buckets.Abstractions.Backup;
using Buckets.Backup.Pulling;
using Buckets.Grains.Backup;

namespace Buckets.Server.Backup;

/// <summary>The in-process backup service pulls only the silo it lives in, without HTTP.</summary>
public sealed class InProcessChangeFeedSource(PullCoordinator coordinator) : IChangeFeedSource, IChangeFeed
{
    public string Name => "in-process";

    public IReadOnlyList<IChangeFeed> CurrentFeeds() => [this];

    public Task<PullResponse> PullAsync(PullRequest request, CancellationToken cancellationToken) => coordinator.PullAsync(request);
}
