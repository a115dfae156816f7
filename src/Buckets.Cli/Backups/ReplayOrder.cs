using Buckets.Englang;

namespace Buckets.Cli.Backups;

/// <summary>
/// Puts Englang files given by hand into replay order (the snapshot first, then change files by their
/// first change), judged by each file's first line rather than its name, so exported or renamed files
/// work too. Files of several generations (what <c>*.englang</c> in a bucket folder gives once a
/// snapshot has been taken) are refused with a message saying which file does not belong.
/// </summary>
internal static class ReplayOrder
{
    /// <summary>The files in replay order, or an error message when they cannot form one history.</summary>
    public static (IReadOnlyList<string> Files, string? Error) Of(IReadOnlyList<string> paths, string folderHint)
    {
        var files = paths.Select(Classify).ToList();
        var snapshots = files.Where(f => f.IsSnapshot).ToList();
        if (snapshots.Count > 1)
        {
            return ([], $"{snapshots.Count} snapshot files given ({string.Join(", ", snapshots.Select(s => s.Name))}); a replay starts from one "
                + $"snapshot and the change files after it. To replay a bucket as it is now, pass its bucket folder: buckets replay {folderHint}");
        }

        if (snapshots.Count == 1 && files.FirstOrDefault(f => !f.IsSnapshot && f.FirstSeq <= snapshots[0].FirstSeq) is { } older)
        {
            return ([], $"{older.Name} starts at change {older.FirstSeq}, which {snapshots[0].Name} (a snapshot as of change {snapshots[0].FirstSeq}) "
                + $"already holds: it belongs to an older generation of the bucket's history. Leave it out, or pass the bucket folder "
                + $"to replay its live files: buckets replay {folderHint}");
        }

        // Files without a readable first line go last, in the order given: the replay names their damage.
        return ([.. files.OrderBy(f => f.IsSnapshot ? 0 : 1).ThenBy(f => f.FirstSeq).Select(f => f.Path)], null);
    }

    private static ReplayFile Classify(string path)
    {
        using var reader = EnglangReader.OpenFile(path);
        var first = reader.TryRead(out var item) && reader.Errors.Count == 0 ? item.Record : null;
        return first switch
        {
            SnapshotHeaderRecord header => new ReplayFile(path, true, header.Seq),
            ISequencedRecord change => new ReplayFile(path, false, change.Seq),
            _ => new ReplayFile(path, false, long.MaxValue),
        };
    }

    private sealed record ReplayFile(string Path, bool IsSnapshot, long FirstSeq)
    {
        public string Name => System.IO.Path.GetFileName(Path);
    }
}
