using Buckets.Backup.Storage;

namespace Buckets.Backup.Cluster;

/// <summary>Which copy a replica takes, and from where (see <see cref="NewestCopy.Choose"/>).</summary>
/// <param name="Source">The server whose copy is taken (it may be the choosing server itself: keep what it holds).</param>
/// <param name="Digest">That copy as it answered.</param>
/// <param name="Epoch">The highest epoch any of the answers knows: the copy is installed under it.</param>
/// <param name="Agreeing">How many answers hold exactly that copy (same writer epoch, last change and digest).</param>
/// <param name="Ambiguous">True when copies of the newest version differ and none is held by a majority.</param>
public sealed record CopyChoice(string Source, ReplicaDigest Digest, long Epoch, int Agreeing, bool Ambiguous);

/// <summary>
/// The one rule by which a replica takes a peer's copy, for resync and the integrity sweep alike
/// (docs/backup-protocol.md, "Resync" and "Integrity sweep"): the newest copy by (writer epoch, last
/// change); where copies of that version differ, the one a majority of the bucket's replicas hold, else
/// (no majority) the chooser's own when it holds one of them (two replicas never swap copies back and
/// forth), else the first in placement order; installed under the highest epoch any replica knows and
/// verified by digest after the install.
/// </summary>
public static class NewestCopy
{
    /// <summary>
    /// Chooses among readable copies, in placement order; <paramref name="self"/> is the choosing
    /// server's id when its own copy is among them. <c>null</c> when there is none.
    /// </summary>
    public static CopyChoice? Choose(IReadOnlyList<(string Server, ReplicaDigest Digest)> copies, string? self, int majority)
    {
        ArgumentNullException.ThrowIfNull(copies);
        if (copies.Count == 0)
        {
            return null;
        }

        var epoch = copies.Max(copy => copy.Digest.Epoch);
        var newest = copies.Max(copy => copy.Digest.Version);
        var groups = copies.Where(copy => copy.Digest.Version == newest).GroupBy(copy => copy.Digest.Digest).ToList();
        if (groups.Count == 1)
        {
            return Pick(groups[0], self, epoch, ambiguous: false);
        }

        if (groups.FirstOrDefault(group => group.Count() >= majority) is { } agreed)
        {
            return Pick(agreed, self, epoch, ambiguous: false);
        }

        var own = groups.FirstOrDefault(group => group.Any(copy => string.Equals(copy.Server, self, StringComparison.OrdinalIgnoreCase)));
        return Pick(own ?? groups[0], self, epoch, ambiguous: true);
    }

    /// <summary>
    /// Installs <paramref name="copy"/> (read from the chosen source) under <paramref name="epoch"/>, then
    /// reads this replica's copy back and compares its digest with the source's. With
    /// <paramref name="replace"/> the copy takes the place of what is held (a damaged or divergent copy),
    /// as long as that is still <paramref name="held"/> (null: whatever it is); otherwise only when the
    /// copy is newer. The outcome says which.
    /// </summary>
    public static async Task<InstallOutcome> InstallAsync(
        IBackupStore store, string bucketId, ReplicaCopy copy, long epoch, bool replace, ReplicaPosition? held, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(copy);
        var install = copy with { Epoch = Math.Max(copy.Epoch, epoch) };
        var installed = replace
            ? await store.ReplaceReplicaAsync(bucketId, install, held, cancellationToken)
            : await store.InstallReplicaAsync(bucketId, install, cancellationToken);
        if (!installed)
        {
            return InstallOutcome.NotInstalled;
        }

        var local = await store.ReadReplicaAsync(bucketId, cancellationToken);
        return local is not null && StateDigest.Of(local.Snapshot) == StateDigest.Of(copy.Snapshot) && local.LastSeq == copy.LastSeq
            ? InstallOutcome.Installed
            : InstallOutcome.DigestMismatch;
    }

    private static CopyChoice Pick(IGrouping<string, (string Server, ReplicaDigest Digest)> group, string? self, long epoch, bool ambiguous)
    {
        var members = group.ToList();
        var source = members.FirstOrDefault(copy => string.Equals(copy.Server, self, StringComparison.OrdinalIgnoreCase));
        var chosen = source.Server is null ? members[0] : source;
        return new CopyChoice(chosen.Server, chosen.Digest, epoch, members.Count, ambiguous);
    }
}

/// <summary>What <see cref="NewestCopy.InstallAsync"/> did.</summary>
public enum InstallOutcome
{
    /// <summary>The copy is installed and this replica's digest equals the source's.</summary>
    Installed,

    /// <summary>This replica's copy changed meanwhile (it caught up, or took changes): nothing changed but the epoch.</summary>
    NotInstalled,

    /// <summary>The copy was installed but reads back with another digest: nothing counts, try again.</summary>
    DigestMismatch,
}
