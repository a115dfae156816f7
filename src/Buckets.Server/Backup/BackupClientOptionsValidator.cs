using Buckets.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Backup;

/// <summary>Rules across settings: a remote backup needs its URL, and a cluster cannot keep backups per silo.</summary>
internal sealed class BackupClientOptionsValidator(IOptions<HostingOptions> hosting) : IValidateOptions<BackupClientOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupClientOptions options)
    {
        var failures = new List<string>();
        if (options.Mode == BackupMode.Remote && options.ServerUrl is null)
        {
            failures.Add("Buckets:Backup:ServerUrl is required when Buckets:Backup:Mode is Remote.");
        }

        if (options.Mode == BackupMode.InProcess && hosting.Value.Profile == HostingProfile.Cluster)
        {
            failures.Add("Buckets:Backup:Mode InProcess is for the development profile only; a cluster needs one shared backup server (Mode Remote).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
