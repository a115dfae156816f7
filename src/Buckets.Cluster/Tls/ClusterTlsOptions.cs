using System.ComponentModel.DataAnnotations;

namespace Buckets.Cluster.Tls;

/// <summary>
/// Mutual TLS between silos of the Cluster profile. Bound from <c>Buckets:Cluster:Tls</c>. The three
/// files are what a Kubernetes Secret of type <c>kubernetes.io/tls</c> mounts (<c>tls.crt</c>,
/// <c>tls.key</c>, <c>ca.crt</c>); every silo presents its certificate and accepts only peers whose
/// certificate chains to the CA file. The Cluster profile has no plaintext mode.
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string SectionName = "Buckets:Cluster:Tls";

    /// <summary>
    /// PEM file with this silo's certificate first, optionally followed by intermediates. It must
    /// chain to <see cref="CaCertificatePath"/> and allow both server and client authentication
    /// (no Extended Key Usage, or both usages), because every silo dials and accepts.
    /// </summary>
    [Required(ErrorMessage = "Buckets:Cluster:Tls:CertificatePath is required in the Cluster profile (PEM certificate, e.g. /etc/buckets/tls/tls.crt).")]
    public string CertificatePath { get; set; } = "";

    /// <summary>PEM file with the certificate's unencrypted private key (PKCS#1, PKCS#8 or SEC1).</summary>
    [Required(ErrorMessage = "Buckets:Cluster:Tls:PrivateKeyPath is required in the Cluster profile (PEM private key, e.g. /etc/buckets/tls/tls.key).")]
    public string PrivateKeyPath { get; set; } = "";

    /// <summary>
    /// PEM file with the certificate authority (or several, while a CA is being rotated) that peer
    /// certificates must chain to. Use a CA that issues only silo certificates: any certificate it
    /// signed is admitted as a silo, whatever its name.
    /// </summary>
    [Required(ErrorMessage = "Buckets:Cluster:Tls:CaCertificatePath is required in the Cluster profile (PEM CA certificate, e.g. /etc/buckets/tls/ca.crt).")]
    public string CaCertificatePath { get; set; } = "";

    /// <summary>How long a peer may take to complete the TLS handshake before the connection is dropped. Default 10 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00", ErrorMessage = "Buckets:Cluster:Tls:HandshakeTimeout must be between 100 ms and 5 minutes.")]
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the files are checked for a renewed certificate (cert-manager rewrites the mounted
    /// Secret before the old one expires). A renewal that fails to load keeps the previous
    /// certificate and logs a warning. Default 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00", ErrorMessage = "Buckets:Cluster:Tls:ReloadInterval must be between 1 second and 1 day.")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromMinutes(1);
}
