using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Pulling;

/// <summary>
/// The silos that announced themselves (their HTTP base address), with when they last did. Silos
/// re-announce periodically; one silent for <see cref="PullOptions.SiloExpiry"/> is dropped.
/// </summary>
public sealed class SiloRegistry(TimeProvider time, IOptions<PullOptions> options)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.OrdinalIgnoreCase);

    public void Announce(Uri siloAddress) => _lastSeen[siloAddress.GetLeftPart(UriPartial.Authority)] = time.GetUtcNow();

    public IReadOnlyList<string> Live()
    {
        var cutoff = time.GetUtcNow() - options.Value.SiloExpiry;
        foreach (var (address, seen) in _lastSeen)
        {
            if (seen < cutoff)
            {
                _lastSeen.TryRemove(address, out _);
            }
        }

        return [.. _lastSeen.Keys.Order(StringComparer.Ordinal)];
    }
}
