using System.CommandLine;
using Buckets.Englang;

namespace Buckets.Cli.Commands;

/// <summary><c>buckets replay FILE...</c>: replays Englang files in order and prints the resulting state as an Englang snapshot.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var files = new Argument<FileInfo[]>("files") { Description = "Englang files of one bucket, oldest first (a snapshot, then its change files)", Arity = ArgumentArity.OneOrMore };
        var seq = CommonOptions.Seq();
        var at = CommonOptions.At();
        var command = new Command("replay", "Replay a bucket's Englang files and print the resulting state") { files, seq, at };
        command.SetAction(parse =>
        {
            var paths = parse.GetValue(files)!.Select(f => f.FullName).ToList();
            var options = new ReplayOptions(DateTimeOffset.UtcNow) { StopAtSeq = parse.GetValue(seq), StopAtTime = parse.GetValue(at) };
            var result = BucketReplayer.ReplayFiles(paths, options);
            foreach (var torn in result.TornTails)
            {
                Console.Error.WriteLine($"warning: {torn.File} line {torn.Line}: torn last line ignored ({torn.Message})");
            }

            foreach (var error in result.Errors)
            {
                Console.Error.WriteLine($"error: {error.File} line {error.Line}: {error.Message}");
            }

            if (!result.Succeeded)
            {
                return 2;
            }

            var bucketId = BucketIdOf(paths) ?? "unknown";
            using var stdout = Console.OpenStandardOutput();
            SnapshotWriter.Write(stdout, bucketId, options.TargetTime, result.State);
            return 0;
        });
        return command;
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
