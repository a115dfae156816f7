using System.Security.Cryptography;
using System.Text.Json;

namespace Buckets.Server.Security;

/// <summary>
/// Secrets the development profile generates once and keeps in <c>secrets.json</c> under the data
/// directory, so keys minted yesterday still work today.
/// </summary>
public sealed record DevelopmentSecrets(string AdminToken, string ClusterSecret)
{
    private const string FileName = "secrets.json";
    private const int SecretBytes = 32;

    /// <summary>Loads the secrets file, creating it (owner-only permissions) when absent.</summary>
    public static DevelopmentSecrets LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            return JsonSerializer.Deserialize<DevelopmentSecrets>(File.ReadAllText(path))
                ?? throw new InvalidDataException($"{path} is empty; delete it to generate new secrets.");
        }

        Directory.CreateDirectory(dataDirectory);
        var secrets = new DevelopmentSecrets(NewSecret(), NewSecret());
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(path, options))
        {
            JsonSerializer.Serialize(stream, secrets);
        }

        return secrets;
    }

    private static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SecretBytes));
}
