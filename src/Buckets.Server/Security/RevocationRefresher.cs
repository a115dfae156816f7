using Buckets.Core.Security;
using Buckets.Hosting.Security;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Security;

/// <summary>Keeps this silo's <see cref="RevocationList"/> current: reads the store at start and every refresh interval.</summary>
internal sealed class RevocationRefresher(
    RevocationList revocations,
    ApiKeyAuthority authority,
    IOptions<ApiKeyOptions> options,
    IOptions<SecurityOptions> security,
    ILogger<RevocationRefresher> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        SecurityLog.SigningKeys(
            logger,
            authority.CurrentKeyId,
            string.Join(", ", security.Value.AllSigningKeys().Keys.Order(StringComparer.Ordinal)),
            !string.IsNullOrWhiteSpace(security.Value.ClusterSecret));
        return revocations.RunAsync(
            settings.RevocationRefreshInterval,
            ex => SecurityLog.RevocationRefreshFailed(logger, settings.RevocationMaxStaleness, ex),
            stoppingToken);
    }
}
