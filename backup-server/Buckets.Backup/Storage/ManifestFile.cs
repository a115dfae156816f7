using System.Text.Json;

namespace Buckets.Backup.Storage;

/// <summary>Reads and atomically replaces a bucket folder's <c>manifest.json</c>.</summary>
internal static class ManifestFile
{
    public static string PathIn(string bucketDirectory) => Path.Combine(bucketDirectory, FileNames.Manifest);

    /// <summary>The manifest, or null when the folder has none; throws <see cref="BackupCorruptException"/> when it is unreadable.</summary>
    public static BucketManifest? Load(string bucketDirectory, string bucketId)
    {
        var path = PathIn(bucketDirectory);
        if (!File.Exists(path))
        {
            return null;
        }

        BucketManifest? manifest;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            manifest = JsonSerializer.Deserialize(stream, ManifestJsonContext.Default.BucketManifest);
        }
        catch (JsonException exception)
        {
            throw new BackupCorruptException(
                $"The manifest of bucket {bucketId} ({FileNames.Manifest}) cannot be read: {exception.Message}", exception);
        }

        if (manifest is null || manifest.Format != BucketManifest.CurrentFormat || manifest.BucketId != bucketId || manifest.Live is null)
        {
            throw new BackupCorruptException(
                $"The manifest of bucket {bucketId} ({FileNames.Manifest}) is not a format {BucketManifest.CurrentFormat} manifest for this bucket.",
                FileNames.Manifest,
                null);
        }

        return manifest;
    }

    public static void Save(string bucketDirectory, BucketManifest manifest) =>
        DurableFiles.WriteAtomically(
            PathIn(bucketDirectory),
            stream => JsonSerializer.Serialize(stream, manifest, ManifestJsonContext.Default.BucketManifest));
}
