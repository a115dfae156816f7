namespace Buckets.Backup.Storage;

/// <summary>Pure changes to a manifest; the file renames and deletions they imply are collected in a <see cref="FileChanges"/>.</summary>
internal static class ManifestEdits
{
    /// <summary>Seals the open segment at <paramref name="lastSeq"/>; an open segment holding no change is dropped instead.</summary>
    public static ManifestGeneration SealOpen(ManifestGeneration live, long lastSeq, FileChanges changes)
    {
        if (live.OpenSegment is not { } open)
        {
            return live;
        }

        var kept = live.Segments.Take(live.Segments.Count - 1).ToList();
        if (lastSeq < open.FromSeq)
        {
            changes.Delete(open.Name);
        }
        else
        {
            var sealedName = FileNames.Sealed(open.Name, lastSeq);
            changes.Rename(open.Name, sealedName);
            kept.Add(new ManifestSegment(sealedName, open.FromSeq, lastSeq));
        }

        return live with { Segments = kept };
    }

    /// <summary>Makes <paramref name="newLive"/> the live generation and retires the current one (sealed) as of <paramref name="now"/>.</summary>
    public static BucketManifest Rebase(BucketManifest manifest, ManifestGeneration newLive, long lastSeq, DateTimeOffset now, FileChanges changes)
    {
        var old = SealOpen(manifest.Live, lastSeq, changes);
        IReadOnlyList<ManifestGeneration> retired = old.IsEmpty ? manifest.Retired : [.. manifest.Retired, old with { RetiredAt = now }];
        return manifest with { Live = newLive, Retired = retired, Erased = false };
    }

    /// <summary>Drops the retired generations retired at or before <paramref name="cutoff"/> (oldest first, so the rest stay readable).</summary>
    public static BucketManifest DropRetiredBefore(BucketManifest manifest, DateTimeOffset cutoff, FileChanges changes)
    {
        var expired = manifest.Retired.TakeWhile(generation => generation.RetiredAt <= cutoff).ToList();
        foreach (var name in expired.SelectMany(generation => generation.FileNames()))
        {
            changes.Delete(name);
        }

        return expired.Count == 0 ? manifest : manifest with { Retired = [.. manifest.Retired.Skip(expired.Count)] };
    }
}
