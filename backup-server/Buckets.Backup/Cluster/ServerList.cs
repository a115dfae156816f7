namespace Buckets.Backup.Cluster;

/// <summary>
/// A node's view of the backup server list, as it travels between nodes to find ones that disagree: a
/// difference moves buckets between servers on one node and not on another, so replicas would be missed.
/// </summary>
/// <param name="Self">The answering server's id, or <c>null</c> (a silo, or a single server).</param>
/// <param name="Servers">The server ids, in order.</param>
public sealed record ServerList(string? Self, IReadOnlyList<string> Servers)
{
    /// <summary>What differs between this list and <paramref name="other"/>, named server by server; <c>null</c> when they agree.</summary>
    public string? DifferenceFrom(IReadOnlyList<string> other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Servers.SequenceEqual(other, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var onlyHere = Servers.Except(other, StringComparer.OrdinalIgnoreCase).ToList();
        var onlyThere = other.Except(Servers, StringComparer.OrdinalIgnoreCase).ToList();
        var parts = new List<string>();
        if (onlyHere.Count > 0)
        {
            parts.Add($"only here: {string.Join(", ", onlyHere)}");
        }

        if (onlyThere.Count > 0)
        {
            parts.Add($"only there: {string.Join(", ", onlyThere)}");
        }

        if (parts.Count == 0)
        {
            parts.Add($"same servers in another order (here {string.Join(", ", Servers)}; there {string.Join(", ", other)})");
        }

        return string.Join("; ", parts);
    }
}
