using System.CommandLine;
using Buckets.Cli.Commands;

var root = new RootCommand("buckets: operate a Buckets cluster and read its plain-English (Englang) backups.")
{
    VerifyCommand.Create(),
    ReplayCommand.Create(),
    HistoryCommand.Create(),
    RestoreCommand.Create(),
    KeysCommand.Create(),
    DbCommand.Create(),
    BackupCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
