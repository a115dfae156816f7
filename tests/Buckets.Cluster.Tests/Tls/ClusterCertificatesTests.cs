using Buckets.Cluster.Tests.Infrastructure;
using Buckets.Cluster.Tls;
using Buckets.EndToEnd.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Buckets.Cluster.Tests.Tls;

/// <summary>
/// Loading, start-up checks, peer trust and reloading of the silo TLS files, on certificates made
/// for each test (the end-to-end tests show the same rules on real silo connections).
/// </summary>
public sealed class ClusterCertificatesTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "buckets-tls-tests-" + Guid.NewGuid().ToString("N"));
    private readonly TestCertificates _certificates;
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CapturingLoggerProvider _logs = new();
    private readonly ILoggerFactory _loggers;

    public ClusterCertificatesTests()
    {
        _certificates = TestCertificates.Create(_directory);
        _loggers = LoggerFactory.Create(logging => logging.AddProvider(_logs));
    }

    [Fact]
    public void ACertificateThatChainsToTheCaPassesTheStartUpCheck()
    {
        Assert.Empty(ClusterCertificates.Check(Options(_certificates.Cluster), _time.GetUtcNow()));
    }

    [Fact]
    public void TheStartUpCheckNamesEveryMissingFile()
    {
        var missing = Path.Combine(_directory, "nowhere");
        var options = new ClusterTlsOptions { CertificatePath = missing + ".crt", PrivateKeyPath = missing + ".key", CaCertificatePath = missing + "-ca.crt" };

        var errors = ClusterCertificates.Check(options, _time.GetUtcNow());

        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("Buckets:Cluster:Tls:CertificatePath: file", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Buckets:Cluster:Tls:PrivateKeyPath: file", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Buckets:Cluster:Tls:CaCertificatePath: file", StringComparison.Ordinal));
    }

    [Fact]
    public void TheStartUpCheckRefusesAKeyThatIsNotTheCertificates()
    {
        var options = Options(_certificates.Cluster);
        options.PrivateKeyPath = _certificates.Rogue.PrivateKeyPath;

        var error = Assert.Single(ClusterCertificates.Check(options, _time.GetUtcNow()));

        Assert.StartsWith("Buckets:Cluster:Tls:CertificatePath and PrivateKeyPath: cannot load", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheStartUpCheckRefusesAnOwnCertificateItsPeersWouldRefuse()
    {
        var options = Options(_certificates.Cluster);
        options.CaCertificatePath = _certificates.Rogue.CaCertificatePath;

        var error = Assert.Single(ClusterCertificates.Check(options, _time.GetUtcNow()));

        Assert.Contains("would be refused by its peers", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TheStartUpCheckRefusesAnExpiredCertificate()
    {
        var error = Assert.Single(ClusterCertificates.Check(Options(_certificates.Cluster), _time.GetUtcNow().AddDays(2)));

        Assert.Contains("NotTimeValid", error, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyPeersWhoseCertificateChainsToTheCaAreTrusted()
    {
        var certificates = Create(Options(_certificates.Cluster));
        using var member = _certificates.Cluster.LoadCertificate();
        using var rogue = _certificates.Rogue.LoadCertificate();

        Assert.True(certificates.IsTrustedPeer(member, null, System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(certificates.IsTrustedPeer(rogue, null, System.Net.Security.SslPolicyErrors.None));
        Assert.Contains("Refused a silo-port peer whose certificate CN=buckets-silo", _logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void ARenewedCertificateIsUsedOnceTheReloadIntervalHasPassed()
    {
        var options = Options(_certificates.Cluster);
        var certificates = Create(options);
        var before = certificates.LocalCertificate.Thumbprint;
        using var formerPeer = _certificates.Cluster.LoadCertificate();

        // A renewal from another CA, as if the whole Secret had been replaced.
        Replace(options, _certificates.Rogue);
        var beforeInterval = certificates.LocalCertificate.Thumbprint;
        _time.Advance(options.ReloadInterval);
        var after = certificates.LocalCertificate.Thumbprint;

        Assert.Equal(before, beforeInterval);
        using var renewed = _certificates.Rogue.LoadCertificate();
        Assert.Equal(renewed.Thumbprint, after);
        Assert.False(certificates.IsTrustedPeer(formerPeer, null, System.Net.Security.SslPolicyErrors.None));
    }

    [Fact]
    public void ARenewalThatDoesNotLoadKeepsThePreviousCertificate()
    {
        var options = Options(_certificates.Cluster);
        var certificates = Create(options);
        var before = certificates.LocalCertificate.Thumbprint;

        File.WriteAllText(options.CertificatePath, "half-written");
        File.SetLastWriteTimeUtc(options.CertificatePath, DateTime.UtcNow.AddMinutes(1));
        _time.Advance(options.ReloadInterval);

        Assert.Equal(before, certificates.LocalCertificate.Thumbprint);
        Assert.Contains("cannot be loaded; keeping the previous certificate", _logs.Text, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _loggers.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static ClusterTlsOptions Options(TestCertificates.Identity identity) => new()
    {
        CertificatePath = identity.CertificatePath,
        PrivateKeyPath = identity.PrivateKeyPath,
        CaCertificatePath = identity.CaCertificatePath,
    };

    private ClusterCertificates Create(ClusterTlsOptions options) =>
        new(Microsoft.Extensions.Options.Options.Create(options), _time, _loggers.CreateLogger<ClusterCertificates>());

    /// <summary>Overwrites the configured files with another identity's, with a later write time as a Secret update gives them.</summary>
    private static void Replace(ClusterTlsOptions options, TestCertificates.Identity identity)
    {
        foreach (var (from, to) in new[] { (identity.CertificatePath, options.CertificatePath), (identity.PrivateKeyPath, options.PrivateKeyPath), (identity.CaCertificatePath, options.CaCertificatePath) })
        {
            File.Copy(from, to, overwrite: true);
            File.SetLastWriteTimeUtc(to, DateTime.UtcNow.AddMinutes(1));
        }
    }
}
