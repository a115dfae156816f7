using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Buckets.Cluster.Tls;

/// <summary>
/// The silo's certificate and the authorities its peers must chain to, read from the PEM files of
/// <see cref="ClusterTlsOptions"/> on first use and read again when the files change (at most every
/// <see cref="ClusterTlsOptions.ReloadInterval"/>). Thread-safe: handshakes on any thread see one
/// consistent set. As a silo lifecycle participant it loads (and logs) the certificate before the
/// silo opens its port, so the first handshake does not pay for it.
/// </summary>
public sealed class ClusterCertificates(IOptions<ClusterTlsOptions> options, TimeProvider time, ILogger<ClusterCertificates> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1", "Server Authentication");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    private readonly Lock _reload = new();
    private volatile CertificateSet? _current;
    private long _nextCheckTicks;

    /// <summary>This silo's certificate with its private key; throws <see cref="InvalidOperationException"/> if the files never loaded.</summary>
    public X509Certificate2 LocalCertificate => Current().Local;

    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        lifecycle.Subscribe(nameof(ClusterCertificates), ServiceLifecycleStage.RuntimeInitialize - 1, cancellationToken =>
        {
            Current();
            return Task.CompletedTask;
        });
    }

    /// <summary>
    /// True when <paramref name="certificate"/> chains to a configured authority, is within its
    /// validity period and allows server and client authentication. The platform's verdict
    /// (<paramref name="platformErrors"/>) is ignored on purpose: it judges against the system's
    /// public roots and the host name, while silos trust only the cluster CA and dial pod
    /// addresses that are not in their certificates.
    /// </summary>
    public bool IsTrustedPeer(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors platformErrors)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var set = Current();
        var intermediates = new X509Certificate2Collection(set.Intermediates);
        if (presented is not null)
        {
            intermediates.AddRange(presented.ChainPolicy.ExtraStore);
        }

        var trusted = Chains(certificate, set.Authorities, intermediates, time.GetUtcNow(), out var problem);
        if (!trusted)
        {
            ClusterLog.PeerCertificateRefused(logger, certificate.Subject, certificate.Thumbprint, problem);
        }

        return trusted;
    }

    /// <summary>
    /// Loads the files as a silo would and returns every problem found (missing or unreadable file,
    /// key not matching, own certificate not chaining to the CA); empty when the set is usable.
    /// </summary>
    public static IReadOnlyList<string> Check(ClusterTlsOptions options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Load(options, now, errors)?.Dispose();
        return errors;
    }

    private CertificateSet Current()
    {
        var set = _current;
        var now = time.GetUtcNow();
        if (set is not null && now.UtcTicks < Volatile.Read(ref _nextCheckTicks))
        {
            return set;
        }

        lock (_reload)
        {
            set = _current;
            if (set is not null && now.UtcTicks < _nextCheckTicks)
            {
                return set;
            }

            var settings = options.Value;
            Volatile.Write(ref _nextCheckTicks, (now + settings.ReloadInterval).UtcTicks);
            if (set is not null && set.WriteTimes.SequenceEqual(WriteTimes(settings)))
            {
                return set;
            }

            var errors = new List<string>();
            var loaded = Load(settings, now, errors);
            if (loaded is null)
            {
                if (set is null)
                {
                    throw new InvalidOperationException($"Cluster TLS certificates cannot be loaded: {string.Join(" ", errors)}");
                }

                // A half-written renewal must not take the silo off the cluster: keep what works.
                ClusterLog.CertificateReloadFailed(logger, string.Join(" ", errors));
                return set;
            }

            _current = loaded;
            ClusterLog.CertificateLoaded(logger, loaded.Local.Subject, loaded.Local.Thumbprint, loaded.Local.NotAfter);
            return loaded;
        }
    }

    private static CertificateSet? Load(ClusterTlsOptions options, DateTimeOffset now, List<string> errors)
    {
        var files = Files(options);
        foreach (var (setting, path) in files)
        {
            if (!File.Exists(path))
            {
                errors.Add($"{ClusterTlsOptions.SectionName}:{setting}: file '{path}' does not exist.");
            }
        }

        if (errors.Count > 0)
        {
            return null;
        }

        var writeTimes = WriteTimes(options);
        var authorities = new X509Certificate2Collection();
        var intermediates = new X509Certificate2Collection();
        var caCertificates = ReadPem(options.CaCertificatePath, nameof(ClusterTlsOptions.CaCertificatePath), errors);
        foreach (var ca in caCertificates)
        {
            // Only roots anchor trust; intermediates shipped beside them help build peers' chains.
            (ca.SubjectName.RawData.AsSpan().SequenceEqual(ca.IssuerName.RawData) ? authorities : intermediates).Add(ca);
        }

        if (caCertificates.Count > 0 && authorities.Count == 0)
        {
            errors.Add($"{ClusterTlsOptions.SectionName}:{nameof(ClusterTlsOptions.CaCertificatePath)}: '{options.CaCertificatePath}' holds no self-signed (root) certificate to trust.");
        }

        intermediates.AddRange(ReadPem(options.CertificatePath, nameof(ClusterTlsOptions.CertificatePath), errors).Skip(1).ToArray());
        X509Certificate2? local = null;
        try
        {
            local = X509Certificate2.CreateFromPemFile(options.CertificatePath, options.PrivateKeyPath);
        }
        // A key that is not the certificate's surfaces as an ArgumentException.
        catch (Exception ex) when (ex is CryptographicException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"{ClusterTlsOptions.SectionName}:{nameof(ClusterTlsOptions.CertificatePath)} and {nameof(ClusterTlsOptions.PrivateKeyPath)}: " +
                $"cannot load '{options.CertificatePath}' with its private key '{options.PrivateKeyPath}': {ex.Message}");
        }

        if (local is not null && authorities.Count > 0 && !Chains(local, authorities, intermediates, now, out var problem))
        {
            errors.Add($"{ClusterTlsOptions.SectionName}:{nameof(ClusterTlsOptions.CertificatePath)}: the certificate '{local.Subject}' " +
                $"would be refused by its peers ({problem}); it must chain to the CA in {nameof(ClusterTlsOptions.CaCertificatePath)}, be valid now and allow server and client authentication.");
        }

        return errors.Count == 0 ? new CertificateSet(local!, authorities, intermediates, writeTimes) : null;
    }

    private static X509Certificate2Collection ReadPem(string path, string setting, List<string> errors)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            errors.Add($"{ClusterTlsOptions.SectionName}:{setting}: cannot read '{path}': {ex.Message}");
            return certificates;
        }

        if (certificates.Count == 0)
        {
            errors.Add($"{ClusterTlsOptions.SectionName}:{setting}: '{path}' holds no PEM certificate.");
        }

        return certificates;
    }

    private static bool Chains(X509Certificate2 certificate, X509Certificate2Collection authorities, X509Certificate2Collection intermediates, DateTimeOffset now, out string problem)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates);
        // A private CA publishes no revocation lists; a compromised silo key is handled by rotating the CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.ApplicationPolicy.Add(ServerAuthentication);
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        var built = chain.Build(certificate);
        problem = built ? "" : string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        foreach (var element in chain.ChainElements)
        {
            element.Certificate.Dispose();
        }

        return built;
    }

    private static (string Setting, string Path)[] Files(ClusterTlsOptions options) =>
    [
        (nameof(ClusterTlsOptions.CertificatePath), options.CertificatePath),
        (nameof(ClusterTlsOptions.PrivateKeyPath), options.PrivateKeyPath),
        (nameof(ClusterTlsOptions.CaCertificatePath), options.CaCertificatePath),
    ];

    // Kubernetes updates a mounted Secret by swapping a symlink; the targets' times change with it.
    private static DateTime[] WriteTimes(ClusterTlsOptions options) =>
        Files(options).Select(f => File.GetLastWriteTimeUtc(f.Path)).ToArray();

    private sealed record CertificateSet(X509Certificate2 Local, X509Certificate2Collection Authorities, X509Certificate2Collection Intermediates, DateTime[] WriteTimes) : IDisposable
    {
        // Only a set that was never handed to a handshake is disposed; a replaced one may still be in use.
        public void Dispose()
        {
            Local.Dispose();
            foreach (var certificate in Authorities.Concat(Intermediates))
            {
                certificate.Dispose();
            }
        }
    }
}
