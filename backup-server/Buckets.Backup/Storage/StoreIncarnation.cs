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
        if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } existing)
        {
            Id = existing;
            return;
        }

        Id = Guid.NewGuid().ToString("N");
        DurableFiles.WriteAtomically(path, stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(Id + "\n")));
    }

    /// <summary>The id, 32 hex digits.</summary>
    public string Id { get; }
}
