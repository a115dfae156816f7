namespace Buckets.Backup.Storage;

/// <summary>
/// File renames and deletions that follow a manifest switch. They are applied only after the new
/// manifest is durable, so a crash in between is finished by recovery (renames are rolled forward,
/// files the manifest no longer lists are deleted).
/// </summary>
internal sealed class FileChanges
{
    private readonly List<(string From, string To)> _renames = [];
    private readonly List<string> _deletions = [];

    public int DeletionCount => _deletions.Count;

    public void Rename(string from, string to) => _renames.Add((from, to));

    public void Delete(string name) => _deletions.Add(name);

    public void Apply(string directory)
    {
        DurableFiles.Rename(directory, _renames);
        DurableFiles.Delete(directory, _deletions);
    }
}
