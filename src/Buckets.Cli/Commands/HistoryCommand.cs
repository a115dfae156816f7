using System.CommandLine;
using Buckets.Backup.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Buckets.Cli.Commands;

/// <summary><c>buckets history BUCKET --dir DIR</c>: lists a bucket's backup files and prints its records, oldest first.</summary>
internal static class HistoryCommand
{
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
            var dir = parse.GetValue(directory)!.FullName;
            var options = Options.Create(new BackupStoreOptions { DataDirectory = dir });
            var store = new FileBackupStore(options, TimeProvider.System, NullLogger<FileBackupStore>.Instance);
            var info = await store.DescribeAsync(parse.GetValue(bucket)!, cancellationToken);
            if (info is null)
            {
                Console.Error.WriteLine($"error: no backup of bucket {parse.GetValue(bucket)} under {dir}.");
                return 1;
            }

            Console.WriteLine($"Bucket {info.BucketId}: epoch {info.Epoch}, last change {info.LastSeq}, {info.Bytes} bytes{(info.Erased ? ", erased" : "")}");
            foreach (var file in info.Files)
            {
                Console.WriteLine($"  {file.Name}  ({file.Kind}, changes {file.FromSeq}..{file.ToSeq}, {file.Bytes} bytes{(file.Retired ? ", retired" : "")})");
            }

            if (!parse.GetValue(filesOnly))
            {
                foreach (var file in info.Files)
                {
                    Console.WriteLine();
                    Console.WriteLine($"== {file.Name}");
                    await foreach (var line in File.ReadLinesAsync(Path.Combine(dir, "buckets", info.BucketId, file.Name), cancellationToken))
                    {
                        Console.WriteLine(line);
                    }
                }
            }

            return 0;
        });
        return command;
    }
}
