using System.Text.Json;
using Buckets.Backup.Storage;

namespace Buckets.Cli.Backups;

/// <summary>
/// Where a bucket's backup lives under a backup data directory, and which of its files are live, as
/// its <c>manifest.json</c> says. Folders are found through the store's own <see cref="BucketLayout"/>
/// (<c>buckets/&lt;h1&gt;/&lt;h2&gt;/&lt;id&gt;</c>), so the CLI and the store never disagree on where a bucket lives.
/// </summary>
/// <remarks>
/// The backup store's own manifest types (<c>Buckets.Backup.Storage.BucketManifest</c>, <c>ManifestFile</c>)
/// are internal to that assembly, so this reads the few fields a replay needs from the JSON, read-only:
/// it never recovers or rewrites anything, and is safe beside a running backup server.
/// </remarks>
internal sealed record BucketFolder(string Path, string BucketId, BucketFolder.Generation Live, IReadOnlyList<BucketFolder.Generation> Retired)
{
    private const string ManifestName = "manifest.json";

    /// <summary>The folder of <paramref name="bucketId"/> under the backup data directory.</summary>
    public static string PathOf(string dataDirectory, string bucketId) => BucketLayout.PathOf(dataDirectory, bucketId);

    /// <summary>True when <paramref name="path"/> is a bucket folder (it holds a manifest).</summary>
    public static bool IsBucketFolder(string path) => File.Exists(System.IO.Path.Combine(path, ManifestName));

    /// <summary>Reads the folder's manifest; throws <see cref="InvalidDataException"/> naming the file when it is not one.</summary>
    public static BucketFolder Read(string path)
    {
        var manifestPath = System.IO.Path.Combine(path, ManifestName);
        try
        {
            using var stream = File.OpenRead(manifestPath);
            using var json = JsonDocument.Parse(stream);
            var root = json.RootElement;
            var retired = root.TryGetProperty("retired", out var list) ? list.EnumerateArray().Select(GenerationOf).ToList() : [];
            return new BucketFolder(path, root.GetProperty("bucketId").GetString()!, GenerationOf(root.GetProperty("live")), retired);
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{manifestPath} is not a readable bucket manifest: {exception.Message}", exception);
        }
    }

    /// <summary>Full paths of a generation's files in replay order: its snapshot (if any), then its segments by first change.</summary>
    public IReadOnlyList<string> FilesOf(Generation generation) =>
        [.. generation.FileNames().Select(name => System.IO.Path.Combine(Path, name))];

    private static Generation GenerationOf(JsonElement element)
    {
        var segments = element.TryGetProperty("segments", out var list)
            ? list.EnumerateArray().Select(s => (Name: s.GetProperty("name").GetString()!, From: s.GetProperty("fromSeq").GetInt64())).OrderBy(s => s.From).Select(s => s.Name).ToList()
            : [];
        return new Generation(
            element.TryGetProperty("baseSeq", out var baseSeq) ? baseSeq.GetInt64() : 0,
            element.TryGetProperty("baseAt", out var baseAt) && baseAt.ValueKind == JsonValueKind.String ? baseAt.GetDateTimeOffset() : null,
            element.TryGetProperty("snapshot", out var snapshot) && snapshot.ValueKind == JsonValueKind.String ? snapshot.GetString() : null,
            segments);
    }

    /// <summary>A base (a snapshot, or an empty bucket when <see cref="Snapshot"/> is null) and the change segments after it.</summary>
    /// <param name="BaseSeq">The change the base is as of.</param>
    /// <param name="BaseAt">The snapshot's time; null without a snapshot.</param>
    /// <param name="Snapshot">The snapshot file name, or null.</param>
    /// <param name="Segments">Change segment file names, oldest first.</param>
    internal sealed record Generation(long BaseSeq, DateTimeOffset? BaseAt, string? Snapshot, IReadOnlyList<string> Segments)
    {
        public IEnumerable<string> FileNames() => Snapshot is null ? Segments : Segments.Prepend(Snapshot);

        /// <summary>True when a replay from this base can reach the target (an empty base holds at any time).</summary>
        public bool Reaches(long? atSeq, DateTimeOffset? atTime) =>
            !(atSeq < BaseSeq) && !(atTime is { } time && Snapshot is not null && time < BaseAt);
    }
}
