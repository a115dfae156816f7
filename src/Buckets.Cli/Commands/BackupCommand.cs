using System.CommandLine;

namespace Buckets.Cli.Commands;

/// <summary><c>buckets backup ...</c>: commands that ask a backup service (in the silo in development, else a backup server).</summary>
internal static class BackupCommand
{
    public static Command Create() => new("backup", "Ask a backup service about its health and its replicas") { BackupEventsCommand.Create(), BackupStatusCommand.Create() };
}
