using Buckets.Core.Security;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Security;

/// <summary>
/// Ready only while this silo's copy of the API-key revocations is current: before the first read,
/// or once reads have failed for <see cref="ApiKeyOptions.RevocationMaxStaleness"/>, the silo
/// refuses every API key, so traffic should go to another silo.
/// </summary>
internal sealed class RevocationListHealthCheck(RevocationList revocations, IOptions<ApiKeyOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(revocations.IsCurrent
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"API-key revocations have not been read within {options.Value.RevocationMaxStaleness}; API keys are refused."));
}
