using Buckets.Abstractions.Backup;
using Buckets.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Backup;

/// <summary>Rules across settings: a remote backup needs its URL, and a cluster cannot keep backups per silo.</summary>
internal sealed class BackupClientOptionsValidator(IOptions<HostingOptions> hosting) : IValidateOptions<BackupClientOptions>
{
    public ValidateOptionsResult Validate(string? name, BackupClientOptions options)
    {
        var failures = new List<string>();
        var servers = options.EffectiveServers;
        if (options.Mode == BackupMode.Remote && servers.Count == 0)
        {
            failures.Add("Buckets:Backup:Servers (or Buckets:Backup:ServerUrl for one server) is required when Buckets:Backup:Mode is Remote.");
        }

        if (options.ServerUrl is not null && options.Servers.Count > 0)
        {
            failures.Add("Set either Buckets:Backup:ServerUrl (one server) or Buckets:Backup:Servers (a list), not both.");
        }

        if (servers.Any(server => !server.IsAbsoluteUri || server.Scheme is not ("http" or "https")))
        {
            failures.Add("Every backup server URL must be an absolute http(s) URL.");
        }
        else if (servers.GroupBy(ReplicaPlacement.ServerId).FirstOrDefault(group => group.Count() > 1) is { } duplicate)
        {
            failures.Add($"Backup server {duplicate.Key} is listed twice in Buckets:Backup:Servers.");
        }

        if (servers.Count > ReplicaPlacement.MaxServers)
        {
            failures.Add($"At most {ReplicaPlacement.MaxServers} backup servers are supported; {servers.Count} are listed.");
        }

        if (options.Mode == BackupMode.InProcess && hosting.Value.Profile == HostingProfile.Cluster)
        {
            failures.Add("Buckets:Backup:Mode InProcess is for the development profile only; a cluster needs one shared backup server (Mode Remote).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
