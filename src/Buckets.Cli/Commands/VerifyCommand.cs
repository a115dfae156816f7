using System.CommandLine;
using Buckets.Backup.Storage;

namespace Buckets.Cli.Commands;

/// <summary><c>buckets verify DIR</c>: checks every backup file (checksums, sequence continuity, snapshot digests); exit 1 on damage.</summary>
internal static class VerifyCommand
{
    public static Command Create()
    {
        var directory = new Argument<DirectoryInfo>("backup-dir") { Description = "The backup server's data directory (Backup:Store:DataDirectory; ./data/backups in development)" };
        var command = new Command("verify", "Verify a backup directory and name every bad file and line") { directory };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(directory)!;
            if (!dir.Exists)
            {
                Console.Error.WriteLine($"error: {dir.FullName} does not exist.");
                return 2;
            }

            var report = BackupVerifier.VerifyDirectory(dir.FullName);
            foreach (var problem in report.Problems)
            {
                Console.WriteLine($"DAMAGED  {problem}");
            }

            foreach (var warning in report.Warnings)
            {
                Console.WriteLine($"warning  {warning}");
            }

            Console.WriteLine($"{report.BucketCount} buckets, {report.FileCount} files, {report.RecordCount} records: "
                + (report.IsHealthy ? "no damage found" : $"{report.Problems.Count} problems"));
            return report.IsHealthy ? 0 : 1;
        });
        return command;
    }
}
