namespace Buckets.Grains.Backup;

/// <summary>The backup server holds the bucket but cannot give the requested state: its history is damaged or past retention.</summary>
public sealed class BackupReadException : Exception
{
    public BackupReadException()
    {
    }

    public BackupReadException(string message)
        : base(message)
    {
    }

    public BackupReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True when history is damaged (an operator must look); false when the point asked for is no longer kept.</summary>
    public bool Damaged { get; init; }
}
