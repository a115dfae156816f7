using System.Collections.Concurrent;
using Buckets.Hosting.Security;

namespace Buckets.Backup.Pulling;

/// <summary>Feeds for the silos in the <see cref="SiloRegistry"/>, pulled over HTTP.</summary>
public sealed class RegisteredSilosFeedSource(SiloRegistry registry, IHttpClientFactory clients, InternalToken token) : IChangeFeedSource
{
    private readonly ConcurrentDictionary<string, IChangeFeed> _feeds = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<IChangeFeed> CurrentFeeds() =>
        [.. registry.Live().Select(address => _feeds.GetOrAdd(address, a => new HttpChangeFeed(new Uri(a), clients, token)))];
}
