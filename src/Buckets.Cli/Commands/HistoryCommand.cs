using System.CommandLine;
using System.Globalization;
using Buckets.Backup.Storage;
using Buckets.Cli.Backups;

namespace Buckets.Cli.Commands;

/// <summary>
/// <c>buckets history BUCKET --dir DIR</c>: lists a bucket's backup files and prints their lines, oldest
/// first. Strictly read-only (no recovery, no truncation), so it is safe beside a running backup server.
/// </summary>
internal static class HistoryCommand
{
    private const int SeqDigits = 12;

    public static Command Create()
    {
        var bucket = new Argument<string>("bucket-id") { Description = "The bucket (API key id)" };
        var directory = new Option<DirectoryInfo>("--dir")
        {
            Description = "The backup data directory",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("data", "backups")),
        };
        var filesOnly = new Option<bool>("--files-only") { Description = "List the files without their lines" };
        var command = new Command("history", "Show a bucket's backup history in plain English") { bucket, directory, filesOnly };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var id = parse.GetValue(bucket)!;
            if (!BucketIds.IsValid(id))
            {
                Console.Error.WriteLine("error: a bucket id is 1 to 64 characters of a-z, 0-9, '-' and '_'.");
                return 2;
            }

            var folder = BucketFolder.PathOf(parse.GetValue(directory)!.FullName, id);
            if (!Directory.Exists(folder))
            {
                Console.Error.WriteLine($"error: no backup of bucket {id} in {folder}.");
                return 1;
            }

            // Names carry the first change number, so this is history order; a snapshot comes before
            // the changes that follow it. Retired files (kept for point-in-time restore) are listed too.
            var files = Directory.GetFiles(folder, "*.englang").Select(f => new FileInfo(f)).OrderBy(FirstSeq).ThenBy(f => f.Name.StartsWith("changes", StringComparison.Ordinal)).ToList();
            Console.WriteLine($"Bucket {id}: {files.Count} files, {files.Sum(f => f.Length)} bytes in {folder}");
            foreach (var file in files)
            {
                Console.WriteLine($"  {file.Name}  ({file.Length} bytes)");
            }

            if (!parse.GetValue(filesOnly))
            {
                foreach (var file in files)
                {
                    Console.WriteLine();
                    Console.WriteLine($"== {file.Name}");
                    await foreach (var line in File.ReadLinesAsync(file.FullName, cancellationToken))
                    {
                        Console.WriteLine(line);
                    }
                }
            }

            return 0;
        });
        return command;
    }

    private static long FirstSeq(FileInfo file)
    {
        var dash = file.Name.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && file.Name.Length >= dash + 1 + SeqDigits
            && long.TryParse(file.Name.AsSpan(dash + 1, SeqDigits), NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
                ? seq
                : long.MaxValue;
    }
}
