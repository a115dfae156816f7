namespace Buckets.Backup.Events;

/// <summary>One retained event file and the events it holds, oldest first.</summary>
internal sealed class EventFile(long number, string path)
{
    public long Number { get; } = number;

    public string Path { get; } = path;

    public long Bytes { get; set; }

    public List<BackupEvent> Events { get; } = [];
}
