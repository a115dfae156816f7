using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Buckets.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Certificates made for one test run and written as PEM files, laid out like a mounted
/// <c>kubernetes.io/tls</c> Secret (<c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>): the cluster's CA
/// with a silo certificate it signed, and an unrelated CA with a certificate of its own for rogue
/// peers. Keys are ECDSA P-256 and live only in the temp directory and this process.
/// </summary>
public sealed class TestCertificates
{
    private static readonly Lazy<TestCertificates> Lazy = new(CreateShared);
    private static readonly TimeSpan Validity = TimeSpan.FromDays(1);
    // Clocks of the test and the silo processes agree; the margin covers rounding of the validity start.
    private static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(5);

    private TestCertificates(Identity cluster, Identity rogue)
    {
        Cluster = cluster;
        Rogue = rogue;
    }

    /// <summary>The set every Cluster-profile test of this run shares.</summary>
    public static TestCertificates Shared => Lazy.Value;

    /// <summary>The cluster CA and the silo certificate it signed.</summary>
    public Identity Cluster { get; }

    /// <summary>Another CA and a certificate it signed, with the same subject and usages as a silo's.</summary>
    public Identity Rogue { get; }

    /// <summary>The settings that point a silo at <paramref name="identity"/>'s files.</summary>
    public static Dictionary<string, string> SiloSettings(Identity identity) => new()
    {
        ["Buckets:Cluster:Tls:CertificatePath"] = identity.CertificatePath,
        ["Buckets:Cluster:Tls:PrivateKeyPath"] = identity.PrivateKeyPath,
        ["Buckets:Cluster:Tls:CaCertificatePath"] = identity.CaCertificatePath,
    };

    private static TestCertificates CreateShared()
    {
        var directory = Path.Combine(Path.GetTempPath(), "buckets-e2e-tls-" + Guid.NewGuid().ToString("N"));
        // Silo processes read the files for as long as the run lasts, so they go only when it ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        return Create(directory);
    }

    public static TestCertificates Create(string directory)
    {
        Directory.CreateDirectory(directory);
        return new TestCertificates(Issue(Path.Combine(directory, "cluster"), "Buckets E2E cluster CA"), Issue(Path.Combine(directory, "rogue"), "Buckets E2E rogue CA"));
    }

    private static Identity Issue(string directory, string caName)
    {
        Directory.CreateDirectory(directory);
        var notBefore = DateTimeOffset.UtcNow - ClockMargin;
        var notAfter = notBefore + Validity;

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={caName}", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, critical: false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=buckets-silo", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        leafRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("buckets-silo");
        names.AddIpAddress(IPAddress.Loopback);
        leafRequest.CertificateExtensions.Add(names.Build());
        leafRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var leafPublic = leafRequest.Create(ca, notBefore, notAfter, RandomNumberGenerator.GetBytes(16));

        var identity = new Identity(Path.Combine(directory, "tls.crt"), Path.Combine(directory, "tls.key"), Path.Combine(directory, "ca.crt"));
        File.WriteAllText(identity.CertificatePath, leafPublic.ExportCertificatePem());
        File.WriteAllText(identity.PrivateKeyPath, leafKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(identity.CaCertificatePath, ca.ExportCertificatePem());
        return identity;
    }

    /// <summary>A certificate, its key and its issuing CA, as files.</summary>
    public sealed record Identity(string CertificatePath, string PrivateKeyPath, string CaCertificatePath)
    {
        /// <summary>The certificate with its private key, for a TLS client in the test process.</summary>
        public X509Certificate2 LoadCertificate() => X509Certificate2.CreateFromPemFile(CertificatePath, PrivateKeyPath);
    }
}
