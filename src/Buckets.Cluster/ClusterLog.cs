using Microsoft.Extensions.Logging;

namespace Buckets.Cluster;

/// <summary>Source-generated log messages of the Cluster profile's PostgreSQL wiring.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Applied the PostgreSQL schema (version {Version}) to {Database}")]
    public static partial void SchemaApplied(ILogger logger, int version, string database);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Debug, Message = "PostgreSQL schema in {Database} is complete")]
    public static partial void SchemaComplete(ILogger logger, string database);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Critical, Message = "PostgreSQL schema in {Database} is incomplete, missing: {Missing}")]
    public static partial void SchemaIncomplete(ILogger logger, string database, string missing);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Information, Message = "Silo TLS certificate {Subject} ({Thumbprint}) loaded, valid until {NotAfter} (local time)")]
    public static partial void CertificateLoaded(ILogger logger, string subject, string thumbprint, DateTime notAfter);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Warning, Message = "Silo TLS certificate files changed but cannot be loaded; keeping the previous certificate: {Problems}")]
    public static partial void CertificateReloadFailed(ILogger logger, string problems);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Warning, Message = "Refused a silo-port peer whose certificate {Subject} ({Thumbprint}) does not chain to the cluster CA: {Problem}")]
    public static partial void PeerCertificateRefused(ILogger logger, string subject, string thumbprint, string problem);
}
