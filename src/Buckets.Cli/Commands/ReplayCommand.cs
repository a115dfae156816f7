using System.CommandLine;
using Buckets.Backup.Storage;
using Buckets.Cli.Backups;
using Buckets.Englang;

namespace Buckets.Cli.Commands;

/// <summary>
/// <c>buckets replay FOLDER | FILE... | --bucket ID [--dir DIR]</c>: replays a bucket's Englang files and
/// prints the resulting state as an Englang snapshot. A bucket folder (named, or found by its id under a
/// data directory's hash-prefix folders) replays its live files as its manifest lists them;
/// files given by hand are put in replay order (snapshot first) or refused when they do not form one history.
/// Read-only, so it is safe beside a running backup server.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "A bucket folder (data/backups/buckets/<h1>/<h2>/<id>), or Englang files of one bucket: one snapshot and the change files after it",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var bucket = new Option<string?>("--bucket") { Description = "Replay this bucket's folder under --dir instead of naming a folder or files" };
        var directory = new Option<DirectoryInfo>("--dir")
        {
            Description = "With --bucket: the backup data directory",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("data", "backups")),
        };
        var seq = CommonOptions.Seq();
        var at = CommonOptions.At();
        var command = new Command("replay", "Replay a bucket's Englang files and print the resulting state") { paths, bucket, directory, seq, at };
        command.Validators.Add(result =>
        {
            var named = result.GetValue(paths) is { Length: > 0 };
            if (named == result.GetValue(bucket) is not null)
            {
                result.AddError("Give a bucket folder or Englang files, or --bucket ID: one of them.");
            }
            else if (result.GetValue(bucket) is { } id && !BucketIds.IsValid(id))
            {
                result.AddError("A bucket id is 1 to 64 characters of a-z, 0-9, '-' and '_'.");
            }
        });
        command.SetAction(parse =>
        {
            var given = parse.GetValue(bucket) is { } id
                ? [BucketFolder.PathOf(parse.GetValue(directory)!.FullName, id)]
                : parse.GetValue(paths)!.Select(Path.GetFullPath).ToList();
            if (parse.GetValue(bucket) is not null && !Directory.Exists(given[0]))
            {
                Console.Error.WriteLine($"error: no backup of bucket {parse.GetValue(bucket)} in {given[0]}.");
                return 1;
            }

            var options = new ReplayOptions(DateTimeOffset.UtcNow) { StopAtSeq = parse.GetValue(seq), StopAtTime = parse.GetValue(at) };
            var (files, bucketId, error) = Plan(given, options);
            if (error is not null)
            {
                Console.Error.WriteLine("error: " + error);
                return 2;
            }

            var result = BucketReplayer.ReplayFiles(files, options);
            foreach (var torn in result.TornTails)
            {
                Console.Error.WriteLine($"warning: {torn.File} line {torn.Line}: torn last line ignored ({torn.Message})");
            }

            foreach (var failure in result.Errors)
            {
                Console.Error.WriteLine($"error: {failure.File} line {failure.Line}: {failure.Message}");
            }

            if (!result.Succeeded)
            {
                return 2;
            }

            using var stdout = Console.OpenStandardOutput();
            SnapshotWriter.Write(stdout, bucketId ?? BucketIdOf(files) ?? "unknown", options.TargetTime, result.State);
            return 0;
        });
        return command;
    }

    private static (IReadOnlyList<string> Files, string? BucketId, string? Error) Plan(List<string> given, ReplayOptions options)
    {
        var folders = given.Where(Directory.Exists).ToList();
        if (folders.Count == 0)
        {
            var hint = Path.GetDirectoryName(given[0]) ?? ".";
            var (ordered, error) = ReplayOrder.Of(given, hint);
            return (ordered, null, error);
        }

        if (given.Count > 1)
        {
            return ([], null, "give one bucket folder, or Englang files, not both or several folders.");
        }

        if (!BucketFolder.IsBucketFolder(folders[0]))
        {
            return ([], null, $"{folders[0]} has no manifest.json: give a bucket folder (data/backups/buckets/<h1>/<h2>/<id>, or --bucket <id>) or Englang files.");
        }

        BucketFolder folder;
        try
        {
            folder = BucketFolder.Read(folders[0]);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return ([], null, exception.Message);
        }

        if (!folder.Live.Reaches(options.StopAtSeq, options.StopAtTime))
        {
            return ([], folder.BucketId, BeforeLive(folder, options));
        }

        return (folder.FilesOf(folder.Live), folder.BucketId, null);
    }

    private static string BeforeLive(BucketFolder folder, ReplayOptions options)
    {
        var target = options.StopAtSeq is { } stop ? $"change {stop}" : $"{options.StopAtTime:O}";
        var live = folder.Live.Snapshot is { } snapshot ? $"{snapshot} (a snapshot as of change {folder.Live.BaseSeq}, taken {folder.Live.BaseAt:O})" : $"an erasure at change {folder.Live.BaseSeq}";
        var older = folder.Retired.Where(g => g.Reaches(options.StopAtSeq, options.StopAtTime)).ToList();
        var advice = older.Count == 0
            ? "No older files are kept (past retention, or erased)."
            : $"Older files are kept; replay the newest set that reaches it: buckets replay {string.Join(" ", folder.FilesOf(older[^1]))}";
        return $"{target} is before the live files of bucket {folder.BucketId}, which start from {live}. {advice}";
    }

    private static string? BucketIdOf(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            using var reader = EnglangReader.OpenFile(path);
            if (reader.TryRead(out var item))
            {
                return item.Record.BucketId;
            }
        }

        return null;
    }
}
