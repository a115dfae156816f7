using System.Security.Cryptography;
using System.Text.Json;
using Buckets.Backup.Storage;

namespace Buckets.Server.Security;

/// <summary>
/// Secrets the development profile generates once and keeps in <c>secrets.json</c> under the data
/// directory (owner-only), so keys minted yesterday still work today. A file written by an older
/// version lacks the newer secrets: they are added and the file rewritten, keeping the others.
/// </summary>
public sealed record DevelopmentSecrets(string AdminToken, string ClusterSecret, string InternalToken)
{
    /// <summary>The file's name under the data directory.</summary>
    public const string FileName = "secrets.json";

    private const int SecretBytes = 32;

    /// <summary>Loads the secrets file, creating it or adding missing secrets to it.</summary>
    public static DevelopmentSecrets LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        DevelopmentSecrets? stored = null;
        if (File.Exists(path))
        {
            stored = JsonSerializer.Deserialize<DevelopmentSecrets>(File.ReadAllText(path))
                ?? throw new InvalidDataException($"{path} is empty; delete it to generate new secrets.");
        }

        var secrets = new DevelopmentSecrets(
            OrNew(stored?.AdminToken),
            OrNew(stored?.ClusterSecret),
            OrNew(stored?.InternalToken));
        if (secrets != stored)
        {
            Write(dataDirectory, path, secrets);
        }

        return secrets;
    }

    private static string OrNew(string? secret) =>
        string.IsNullOrWhiteSpace(secret) ? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretBytes)) : secret;

    /// <summary>Replaces the file atomically, creating it readable by its owner only.</summary>
    private static void Write(string dataDirectory, string path, DevelopmentSecrets secrets)
    {
        DurableFiles.CreateDirectory(dataDirectory);
        var temp = path + ".tmp";
        // A leftover temporary file would keep its own permissions; owner-only applies on create.
        File.Delete(temp);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, secrets);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        DurableFiles.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
