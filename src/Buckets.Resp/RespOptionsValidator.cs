using System.Net;
using Buckets.Core;
using Microsoft.Extensions.Options;

namespace Buckets.Resp;

/// <summary>Rules across <see cref="RespOptions"/> fields and the entry limits, reported all at once.</summary>
public sealed class RespOptionsValidator(IOptions<LimitsOptions> limits) : IValidateOptions<RespOptions>
{
    public ValidateOptionsResult Validate(string? name, RespOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!IPAddress.TryParse(options.Address, out _) && !options.Address.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"Buckets:Resp:Address '{options.Address}' is not an IP address or localhost.");
        }

        if (options.MaxCommandBytes < limits.Value.MaxValueBytes)
        {
            failures.Add($"Buckets:Resp:MaxCommandBytes ({options.MaxCommandBytes}) must hold one value of Buckets:Limits:MaxValueBytes ({limits.Value.MaxValueBytes}).");
        }

        var hasCertificate = !string.IsNullOrWhiteSpace(options.TlsCertificatePath);
        var hasKey = !string.IsNullOrWhiteSpace(options.TlsKeyPath);
        if (hasCertificate != hasKey)
        {
            failures.Add("Buckets:Resp:TlsCertificatePath and Buckets:Resp:TlsKeyPath go together: set both or neither.");
        }
        else if (hasCertificate && options.Port != 0)
        {
            foreach (var path in new[] { options.TlsCertificatePath!, options.TlsKeyPath! })
            {
                if (!File.Exists(path))
                {
                    failures.Add($"Buckets:Resp TLS file '{path}' does not exist.");
                }
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
