using System.Security.Cryptography;
using Buckets.Hosting.Security;
using Buckets.Server.Security;
using Microsoft.Extensions.Options;

namespace Buckets.Server.Tests;

/// <summary>
/// Start-up checks of <see cref="SecurityOptions"/>: the backup server needs only the admin and
/// internal tokens; a silo also needs signing secrets; every failure names its setting.
/// </summary>
public sealed class SecurityOptionsValidationTests
{
    private static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static SecurityOptions Tokens() => new() { AdminToken = NewSecret(), InternalToken = NewSecret() };

    private static ValidateOptionsResult Backup(SecurityOptions options) => new SecurityOptionsValidator().Validate(null, options);

    private static IReadOnlyList<string> Silo(SecurityOptions options) =>
        [.. new IValidateOptions<SecurityOptions>[] { new SecurityOptionsValidator(), new SigningKeysValidator() }
            .Select(v => v.Validate(null, options))
            .Where(r => r.Failed)
            .SelectMany(r => r.Failures ?? [])];

    [Fact]
    public void BackupServerStartsWithOnlyTheAdminAndInternalTokens()
    {
        Assert.True(Backup(Tokens()).Succeeded);
    }

    [Fact]
    public void BackupServerWithoutTheInternalTokenFailsNamingIt()
    {
        var options = Tokens();
        options.InternalToken = "";
        options.ClusterSecret = NewSecret();

        var result = Backup(options);

        Assert.True(result.Failed);
        Assert.Contains("Buckets:Security:InternalToken is required", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Buckets__Security__InternalToken", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void WeakTokensAreRefusedByNameWithoutEchoingThem()
    {
        var options = new SecurityOptions { AdminToken = "e2e-admin-token-0123456789", InternalToken = new string('x', 64) };

        var result = Backup(options);

        Assert.Contains("Buckets:Security:AdminToken", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Buckets:Security:InternalToken", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(options.AdminToken, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void SiloWithoutAnySigningSecretFailsNamingClusterSecret()
    {
        var failures = Silo(Tokens());

        Assert.Contains(failures, f => f.StartsWith("Buckets:Security:ClusterSecret (or Buckets:Security:SigningKeys:<id>) is required", StringComparison.Ordinal));
    }

    [Fact]
    public void SiloWithAClusterSecretAloneSignsWithKeyIdZero()
    {
        var options = Tokens();
        options.ClusterSecret = NewSecret();

        Assert.Empty(Silo(options));
        Assert.Equal("0", options.EffectiveSigningKey());
    }

    [Fact]
    public void SiloWithSeveralSigningSecretsNeedsTheCurrentOne()
    {
        var options = Tokens();
        options.ClusterSecret = NewSecret();
        options.SigningKeys["k2027"] = NewSecret();

        Assert.Contains(Silo(options), f => f.Contains("CurrentSigningKey is required", StringComparison.Ordinal));

        options.CurrentSigningKey = "k2028";
        Assert.Contains(Silo(options), f => f.Contains("'k2028' names no configured signing secret", StringComparison.Ordinal));

        options.CurrentSigningKey = "k2027";
        Assert.Empty(Silo(options));
    }

    [Fact]
    public void MalformedKeyIdsWeakSigningSecretsAndADuplicateKeyIdZeroAreEachReported()
    {
        var options = Tokens();
        options.ClusterSecret = "too-short-cluster-secret";
        options.SigningKeys["Upper"] = NewSecret();
        options.SigningKeys["weak"] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        options.SigningKeys["0"] = NewSecret();
        options.CurrentSigningKey = "weak";

        var failures = Silo(options);

        Assert.Contains(failures, f => f.StartsWith("Buckets:Security:ClusterSecret decodes", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Buckets:Security:SigningKeys:Upper: a signing key id", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Buckets:Security:SigningKeys:weak does not look random", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("both set key id 0", StringComparison.Ordinal));
    }

    [Fact]
    public void RevocationMaxStalenessBelowTwoRefreshIntervalsIsRefused()
    {
        var result = new ApiKeyOptionsValidator().Validate(null, new ApiKeyOptions
        {
            RevocationRefreshInterval = TimeSpan.FromSeconds(10),
            RevocationMaxStaleness = TimeSpan.FromSeconds(15),
        });

        Assert.True(result.Failed);
        Assert.Contains("Buckets:Keys:RevocationMaxStaleness", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new ApiKeyOptionsValidator().Validate(null, new ApiKeyOptions()).Succeeded);
    }
}
