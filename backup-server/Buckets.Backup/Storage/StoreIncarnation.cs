using Microsoft.Extensions.Options;

namespace Buckets.Backup.Storage;

/// <summary>
/// A random id of this data directory, made the first time the server starts on it and kept in the
/// directory: a server that comes back on an empty (replaced, wiped) disk has a new one. Silos hear it
/// with every pull and so learn that what this server confirmed before is gone (docs/backup-protocol.md, "Resync").
/// </summary>
public sealed class StoreIncarnation
{
    private const string FileName = "incarnation";

    public StoreIncarnation(IOptions<BackupStoreOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = Path.GetFullPath(options.Value.DataDirectory);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        Id = Read(path) ?? Create(path);
    }

    /// <summary>The id, 32 hex digits.</summary>
    public string Id { get; }

    private static string? Read(string path) =>
        File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing ? existing : null;

    /// <summary>Writes a new id under a temporary name of its own, then moves it in unless another store on the same directory (a test cluster's silos) was first.</summary>
    private static string Create(string path)
    {
        var id = Guid.NewGuid().ToString("N");
        var temp = $"{path}.{id}{FileNames.TempSuffix}";
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
        {
            stream.Write(System.Text.Encoding.UTF8.GetBytes(id + "\n"));
            DurableFiles.Sync(stream);
        }

        try
        {
            File.Move(temp, path, overwrite: false);
            DurableFiles.SyncDirectory(Path.GetDirectoryName(path)!);
            return id;
        }
        catch (IOException) when (Read(path) is { } first)
        {
            File.Delete(temp);
            return first;
        }
    }
}
