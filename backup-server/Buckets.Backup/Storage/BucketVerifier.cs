using Buckets.Englang;

namespace Buckets.Backup.Storage;

/// <summary>Verifies one bucket folder for <see cref="BackupVerifier"/>, reading only.</summary>
internal static class BucketVerifier
{
    /// <summary>Header and footer of the empty base prepended to each generation.</summary>
    private const int EmptyBaseRecords = 2;

    /// <summary>Verifies the folder <paramref name="directory"/> of <paramref name="bucketId"/>; <paramref name="folder"/> names it in findings.</summary>
    public static void Verify(string directory, string bucketId, string folder, VerificationCollector collector)
    {
        BucketManifest? manifest;
        try
        {
            manifest = ManifestFile.Load(directory, bucketId);
        }
        catch (BackupCorruptException exception)
        {
            collector.Problem($"{folder}/{FileNames.Manifest}", null, exception.Message);
            return;
        }

        var onDisk = Directory.EnumerateFiles(directory).Select(Path.GetFileName).OfType<string>().ToHashSet(StringComparer.Ordinal);
        if (manifest is null)
        {
            foreach (var name in onDisk.Order(StringComparer.Ordinal))
            {
                collector.Warning($"{folder}/{name}", null, "the folder has no manifest (a first epoch that never completed); deleted when the bucket is next opened");
            }

            return;
        }

        collector.BucketCount++;
        var paths = Locate(directory, folder, manifest, onDisk, collector);
        long? previousEnd = null;
        foreach (var generation in manifest.Generations())
        {
            if (generation.Origin == GenerationOrigin.Compaction && previousEnd is { } end && end != generation.BaseSeq)
            {
                collector.Problem($"{folder}/{generation.Snapshot}", null, $"a compaction snapshot as of change {generation.BaseSeq} follows history ending at change {end}");
            }

            previousEnd = VerifyGeneration(folder, bucketId, generation, paths, collector);
        }

        if (previousEnd is { } last && last < manifest.LastSeq)
        {
            collector.Problem($"{folder}/{FileNames.Manifest}", null, $"the manifest says change {manifest.LastSeq} was stored but the files end at change {last}");
        }
    }

    /// <summary>Maps each listed file to the path holding it, reporting missing files, unfinished seals and leftovers.</summary>
    private static Dictionary<string, string> Locate(
        string directory, string folder, BucketManifest manifest, HashSet<string> onDisk, VerificationCollector collector)
    {
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal) { FileNames.Manifest };
        foreach (var name in manifest.FileNames())
        {
            if (onDisk.Contains(name))
            {
                paths[name] = Path.Combine(directory, name);
                used.Add(name);
            }
            else if (FileNames.OpenNameOf(name) is { } openName && onDisk.Contains(openName))
            {
                paths[name] = Path.Combine(directory, openName);
                used.Add(openName);
                collector.Warning($"{folder}/{openName}", null, $"an unfinished seal: renamed to {name} when the bucket is next opened");
            }
            else
            {
                collector.Problem($"{folder}/{name}", null, "listed in the manifest but missing");
            }
        }

        foreach (var name in onDisk.Where(name => !used.Contains(name)).Order(StringComparer.Ordinal))
        {
            collector.Warning($"{folder}/{name}", null, "not listed in the manifest (left by an interrupted operation); deleted when the bucket is next opened");
        }

        return paths;
    }

    /// <summary>Verifies a generation's files as one history starting at its base; returns the last change it holds.</summary>
    private static long? VerifyGeneration(
        string folder, string bucketId, ManifestGeneration generation, Dictionary<string, string> paths, VerificationCollector collector)
    {
        var streams = new List<Stream>();
        try
        {
            // An empty base as of the generation's change makes the verifier check the bucket id, that a
            // snapshot is as of that change, and that the first segment starts right after it.
            var empty = HistoryReader.EmptyBase(bucketId, generation.BaseSeq);
            streams.Add(empty);
            var sources = new List<(string Name, Stream Content)> { ("(base)", empty) };
            foreach (var name in generation.FileNames().Where(paths.ContainsKey))
            {
                var stream = new FileStream(paths[name], FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
                streams.Add(stream);
                sources.Add(($"{folder}/{name}", stream));
                collector.FileCount++;
                collector.ByteCount += stream.Length;
            }

            var report = EnglangVerifier.Verify(sources);
            collector.RecordCount += report.RecordCount - EmptyBaseRecords;
            foreach (var problem in report.Problems)
            {
                collector.Problem(problem.File, problem.Line, problem.Message);
            }

            var openName = generation.OpenSegment is { } open ? $"{folder}/{open.Name}" : null;
            foreach (var torn in report.TornTails)
            {
                if (torn.File == openName)
                {
                    collector.Warning(torn.File, torn.Line, "torn last line of the open segment (cut when the bucket is next opened): " + torn.Message);
                }
                else
                {
                    collector.Problem(torn.File, torn.Line, "the last line is damaged or incomplete: " + torn.Message);
                }
            }

            CheckRanges(folder, generation, paths, collector);
            return report.LastSeq;
        }
        finally
        {
            foreach (var stream in streams)
            {
                stream.Dispose();
            }
        }
    }

    /// <summary>Checks that sealed segments hold exactly the changes their manifest entries (and names) say.</summary>
    private static void CheckRanges(string folder, ManifestGeneration generation, Dictionary<string, string> paths, VerificationCollector collector)
    {
        foreach (var segment in generation.Segments.Where(segment => paths.ContainsKey(segment.Name)))
        {
            long? first = null;
            long? last = null;
            using (var reader = EnglangReader.OpenFile(paths[segment.Name]))
            {
                while (reader.TryRead(out var item))
                {
                    if (item.Record is IChangeRecord change)
                    {
                        first ??= change.Seq;
                        last = change.Seq;
                    }
                }
            }

            // An open segment may still be empty: a crash can come between creating it and the first write.
            var expectedLast = segment.ToSeq ?? last;
            var emptyOpen = segment.IsOpen && first is null;
            if (!emptyOpen && (first != segment.FromSeq || last != expectedLast))
            {
                collector.Problem(
                    $"{folder}/{segment.Name}",
                    null,
                    $"the manifest says it holds changes {segment.FromSeq} to {segment.ToSeq?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "the end"} but it holds {first?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} to {last?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
            }
        }
    }
}
