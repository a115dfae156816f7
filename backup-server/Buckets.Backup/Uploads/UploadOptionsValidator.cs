using Microsoft.Extensions.Options;

namespace Buckets.Backup.Uploads;

/// <summary>Rules across <see cref="UploadOptions"/> fields.</summary>
internal sealed class UploadOptionsValidator : IValidateOptions<UploadOptions>
{
    public ValidateOptionsResult Validate(string? name, UploadOptions options) =>
        options.MaxRequestBytes > options.MaxUploadBytes
            ? ValidateOptionsResult.Fail($"{UploadOptions.SectionName}:MaxRequestBytes ({options.MaxRequestBytes}) must not exceed {UploadOptions.SectionName}:MaxUploadBytes ({options.MaxUploadBytes}).")
            : ValidateOptionsResult.Success;
}
