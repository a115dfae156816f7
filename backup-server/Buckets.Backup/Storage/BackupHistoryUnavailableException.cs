namespace Buckets.Backup.Storage;

/// <summary>
/// A point-in-time read asked for a moment the store no longer holds (retired files past retention
/// were deleted, or the bucket was erased after it).
/// </summary>
public sealed class BackupHistoryUnavailableException : Exception
{
    public BackupHistoryUnavailableException()
    {
    }

    public BackupHistoryUnavailableException(string message)
        : base(message)
    {
    }

    public BackupHistoryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
