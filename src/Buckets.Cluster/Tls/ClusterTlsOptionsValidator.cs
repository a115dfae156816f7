using Microsoft.Extensions.Options;

namespace Buckets.Cluster.Tls;

/// <summary>
/// Start-up check of <see cref="ClusterTlsOptions"/> beyond the required settings: the files exist,
/// parse, hold a matching key, and the silo's own certificate would pass its peers' check. Every
/// problem is reported at once, each naming its setting.
/// </summary>
public sealed class ClusterTlsOptionsValidator(TimeProvider time) : IValidateOptions<ClusterTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Missing paths are already named by the data annotations; reading empty paths adds only noise.
        if (string.IsNullOrWhiteSpace(options.CertificatePath) || string.IsNullOrWhiteSpace(options.PrivateKeyPath) || string.IsNullOrWhiteSpace(options.CaCertificatePath))
        {
            return ValidateOptionsResult.Skip;
        }

        var errors = ClusterCertificates.Check(options, time.GetUtcNow());
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
