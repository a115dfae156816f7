using Buckets.Backup.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Buckets.Backup.Status;

/// <summary>Ready when the backup directory exists and accepts a write, and the store can still make writes durable.</summary>
internal sealed class DataDirectoryHealthCheck(IOptions<BackupStoreOptions> options, IBackupStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (store.Failure is { } failure)
        {
            return HealthCheckResult.Unhealthy($"The backup store's write-ahead log failed ({failure.Message}); restart the backup server to recover from its files.");
        }

        var probe = Path.Combine(options.Value.DataDirectory, ".ready-probe");
        try
        {
            Directory.CreateDirectory(options.Value.DataDirectory);
            await File.WriteAllTextAsync(probe, "ok", cancellationToken);
            File.Delete(probe);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"The backup directory is not writable: {e.Message}");
        }
    }
}
