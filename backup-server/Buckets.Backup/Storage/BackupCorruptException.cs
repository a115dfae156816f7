namespace Buckets.Backup.Storage;

/// <summary>A bucket's backup history is damaged (bad checksum mid-file, sequence gap or overlap, bad digest).</summary>
public sealed class BackupCorruptException : Exception
{
    public BackupCorruptException()
    {
    }

    public BackupCorruptException(string message)
        : base(message)
    {
    }

    public BackupCorruptException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Damage found at a line of a file; <paramref name="message"/> should name both too.</summary>
    public BackupCorruptException(string message, string fileName, long? line)
        : base(message)
    {
        FileName = fileName;
        Line = line;
    }

    /// <summary>The damaged file's name inside the bucket folder, when known.</summary>
    public string? FileName { get; }

    /// <summary>The 1-based damaged line, when known.</summary>
    public long? Line { get; }
}
