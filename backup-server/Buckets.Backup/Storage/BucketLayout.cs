using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Buckets.Backup.Storage;

/// <summary>
/// Where bucket folders live under the data directory: <c>buckets/&lt;h1&gt;/&lt;h2&gt;/&lt;id&gt;/</c>, where
/// h1 and h2 are the first two bytes of the SHA-256 of the id's UTF-8, in lowercase hex. No folder
/// then holds more than 256 prefix folders, and 10 million buckets put about 150 into each of the
/// 65,536 leaves (a flat folder of millions of entries makes every lookup, listing and backup of the
/// volume slow). The order of <see cref="Enumerate"/> (h1, h2, then id, all ordinal) depends on the
/// ids alone, so an id is a stable cursor. The CLI finds folders through this class too.
/// </summary>
public static class BucketLayout
{
    /// <summary>The folder of the data directory that holds the prefix folders.</summary>
    public const string Folder = "buckets";

    /// <summary>Characters of one prefix folder's name (one byte of the hash in hex).</summary>
    private const int PrefixLength = 2;

    /// <summary>Suffix of a flat bucket folder set aside during the migration ('.' is never in an id).</summary>
    internal const string AsideSuffix = ".flat";

    /// <summary>The two prefix folder names of <paramref name="bucketId"/>.</summary>
    public static (string First, string Second) PrefixOf(string bucketId)
    {
        BucketIds.Validate(bucketId, nameof(bucketId));
        Span<byte> utf8 = stackalloc byte[BucketIds.MaxLength];
        var length = Encoding.UTF8.GetBytes(bucketId, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return (Convert.ToHexStringLower(hash[..1]), Convert.ToHexStringLower(hash[1..2]));
    }

    /// <summary>The bucket's folder under <paramref name="dataDirectory"/>.</summary>
    public static string PathOf(string dataDirectory, string bucketId) => PathUnder(Path.Combine(dataDirectory, Folder), bucketId);

    /// <summary>The bucket's folder under the <c>buckets</c> folder <paramref name="bucketsDirectory"/>.</summary>
    public static string PathUnder(string bucketsDirectory, string bucketId)
    {
        var (first, second) = PrefixOf(bucketId);
        return Path.Combine(bucketsDirectory, first, second, bucketId);
    }

    /// <summary>The folder as a person reads it in reports: <c>buckets/h1/h2/id</c>.</summary>
    public static string RelativePath(string bucketId)
    {
        var (first, second) = PrefixOf(bucketId);
        return $"{Folder}/{first}/{second}/{bucketId}";
    }

    /// <summary>
    /// Ids of the bucket folders under <paramref name="bucketsDirectory"/> after <paramref name="after"/>
    /// (exclusive; null: from the start), lazily in layout order: only one leaf's names are held at a time.
    /// A folder in the wrong leaf (not where its id hashes to) is not a bucket folder and is skipped.
    /// </summary>
    public static IEnumerable<string> Enumerate(string bucketsDirectory, string? after)
    {
        var start = after is null ? default : PrefixOf(after);
        foreach (var first in PrefixFolders(bucketsDirectory))
        {
            if (after is not null && string.CompareOrdinal(first, start.First) < 0)
            {
                continue;
            }

            foreach (var second in PrefixFolders(Path.Combine(bucketsDirectory, first)))
            {
                var startLeaf = after is not null && first == start.First;
                if (startLeaf && string.CompareOrdinal(second, start.Second) < 0)
                {
                    continue;
                }

                startLeaf &= second == start.Second;
                foreach (var id in IdsIn(Path.Combine(bucketsDirectory, first, second), first, second))
                {
                    if (!startLeaf || string.CompareOrdinal(id, after) > 0)
                    {
                        yield return id;
                    }
                }
            }
        }
    }

    /// <summary>At most <paramref name="limit"/> ids after <paramref name="after"/>, and the cursor of the next page (null at the end).</summary>
    public static BucketIdPage Page(string bucketsDirectory, string? after, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (after is not null)
        {
            BucketIds.Validate(after, nameof(after));
        }

        // One more than asked says whether another page follows without a second listing.
        var ids = Enumerate(bucketsDirectory, after).Take(limit + 1).ToList();
        return ids.Count > limit ? new BucketIdPage(ids[..limit], ids[limit - 1]) : new BucketIdPage(ids, null);
    }

    /// <summary>
    /// Moves every bucket folder of the flat layout (<c>buckets/&lt;id&gt;/</c>, before prefix folders)
    /// to its leaf, one rename each: a crash leaves each folder whole in one place or the other, and
    /// the next start carries on (a folder already moved is not seen again). Folders are made and
    /// renamed without an fsync each; every folder written to (leaves, their parents, then
    /// <c>buckets</c>) is fsynced once at the end, before the store opens, so it never writes into a
    /// folder whose move could still be undone. Returns the number of folders moved.
    /// </summary>
    internal static int MigrateFlat(string bucketsDirectory, ILogger logger)
    {
        // A bucket whose id looks like a prefix folder ("ab") is set aside under a name no id can have
        // before any prefix folder is made: the prefix folder "ab" would otherwise be made inside it.
        var setAside = false;
        foreach (var path in Directory.EnumerateDirectories(bucketsDirectory))
        {
            if (IsPrefixName(Path.GetFileName(path)) && IsFlatBucketFolder(path))
            {
                Directory.Move(path, path + AsideSuffix);
                setAside = true;
            }
        }

        if (setAside)
        {
            DurableFiles.SyncDirectory(bucketsDirectory);
        }

        var moved = 0;
        var leaves = new HashSet<string>(StringComparer.Ordinal);
        var middles = new HashSet<string>(StringComparer.Ordinal);

        // Directory listings while entries are renamed away may miss some: repeat until a pass finds none.
        int movedInPass;
        do
        {
            movedInPass = 0;
            foreach (var path in Directory.EnumerateDirectories(bucketsDirectory))
            {
                if (FlatIdOf(path) is not { } id || IsPrefixName(Path.GetFileName(path)) || !Directory.Exists(path))
                {
                    continue;
                }

                var target = PathUnder(bucketsDirectory, id);
                if (Directory.Exists(target))
                {
                    // Two copies of one bucket: which holds what was acknowledged is for an operator to say.
                    StorageLog.LayoutConflict(logger, id, RelativePath(id));
                    continue;
                }

                var leaf = Path.GetDirectoryName(target)!;
                Directory.CreateDirectory(leaf);
                Directory.Move(path, target);
                leaves.Add(leaf);
                middles.Add(Path.GetDirectoryName(leaf)!);
                movedInPass++;
            }

            moved += movedInPass;
        }
        while (movedInPass > 0);

        if (moved > 0)
        {
            foreach (var folder in leaves.Concat(middles))
            {
                DurableFiles.SyncDirectory(folder);
            }

            DurableFiles.SyncDirectory(bucketsDirectory);
            StorageLog.LayoutMigrated(logger, moved);
        }

        return moved;
    }

    /// <summary>
    /// Ids of the bucket folders still at the top of <paramref name="bucketsDirectory"/> (what
    /// <see cref="MigrateFlat"/> would move), for the verifier.
    /// </summary>
    internal static IEnumerable<string> FlatFolders(string bucketsDirectory) =>
        Directory.EnumerateDirectories(bucketsDirectory)
            .Select(FlatIdOf)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    /// <summary>True for a name that is one prefix level (two lowercase hex digits).</summary>
    internal static bool IsPrefixName(string name) =>
        name.Length == PrefixLength && name.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));

    /// <summary>
    /// The bucket id of a folder at the top of <c>buckets/</c> that is a bucket folder of the flat
    /// layout (or one set aside by <see cref="MigrateFlat"/>), or null for a prefix folder or anything
    /// else. A bucket id may be two hex digits like a prefix folder, but a bucket folder holds files
    /// (its manifest) and never a folder; an empty two-hex-digit folder holds nothing to move.
    /// </summary>
    private static string? FlatIdOf(string path)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(AsideSuffix, StringComparison.Ordinal))
        {
            var id = name[..^AsideSuffix.Length];
            return BucketIds.IsValid(id) ? id : null;
        }

        if (IsPrefixName(name))
        {
            return IsFlatBucketFolder(path) ? name : null;
        }

        return BucketIds.IsValid(name) ? name : null;
    }

    private static bool IsFlatBucketFolder(string path) =>
        !Directory.EnumerateDirectories(path).Any() && Directory.EnumerateFiles(path).Any();

    private static IEnumerable<string> PrefixFolders(string directory) =>
        !Directory.Exists(directory)
            ? []
            : Directory.EnumerateDirectories(directory).Select(Path.GetFileName).OfType<string>().Where(IsPrefixName).Order(StringComparer.Ordinal);

    private static List<string> IdsIn(string leaf, string first, string second)
    {
        if (!Directory.Exists(leaf))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(leaf)
            .Select(Path.GetFileName)
            .Where(BucketIds.IsValid)
            .OfType<string>()
            .Where(id => PrefixOf(id) == (first, second))
            .Order(StringComparer.Ordinal)];
    }
}
