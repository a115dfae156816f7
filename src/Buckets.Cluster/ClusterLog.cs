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
}
