using Microsoft.Extensions.Logging;

namespace Buckets.Backup.Events;

/// <summary>Source-generated log messages of the health events (event ids 3400-3419).</summary>
internal static partial class EventsLog
{
    [LoggerMessage(3400, LogLevel.Information, "Backup event {Kind}: {Summary} {Details}")]
    public static partial void Info(ILogger logger, BackupEventKind kind, string summary, string details);

    [LoggerMessage(3401, LogLevel.Warning, "Backup event {Kind}: {Summary} {Details}")]
    public static partial void Warning(ILogger logger, BackupEventKind kind, string summary, string details);

    [LoggerMessage(3402, LogLevel.Error, "Backup event {Kind}: {Summary} {Details}")]
    public static partial void Failure(ILogger logger, BackupEventKind kind, string summary, string details);

    [LoggerMessage(3403, LogLevel.Warning, "The event file {File} ends in a torn line {Line} (a crash mid-write); the events before it are kept")]
    public static partial void TornLine(ILogger logger, string file, int line);

    [LoggerMessage(3404, LogLevel.Warning, "The event file {File} has a damaged line {Line}; it is skipped")]
    public static partial void DamagedLine(ILogger logger, string file, int line);

    [LoggerMessage(3405, LogLevel.Error, "Writing a backup event to disk failed; it is in the log only")]
    public static partial void WriteFailed(ILogger logger, Exception exception);
}
