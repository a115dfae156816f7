namespace Buckets.Backup.Storage;

/// <summary>
/// The truth about one bucket folder (<c>manifest.json</c>): its epoch, which files are live, which
/// are retired and since when. Files on disk that it does not list are leftovers of an interrupted
/// operation. <see cref="LastSeq"/> may lag the open segment, whose content is authoritative.
/// </summary>
internal sealed record BucketManifest
{
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    public required string BucketId { get; init; }

    /// <summary>The fencing epoch of the newest activation.</summary>
    public long Epoch { get; init; }

    /// <summary>The epoch whose activation wrote the stored changes (the state is a prefix of its history); 0 in manifests written before replication.</summary>
    public long WriterEpoch { get; init; }

    /// <summary>The last stored change when the manifest was written.</summary>
    public long LastSeq { get; init; }

    /// <summary>The time of the last stored change when the manifest was written.</summary>
    public DateTimeOffset? LastChangeAt { get; init; }

    /// <summary>True from an erasure until new changes arrive.</summary>
    public bool Erased { get; init; }

    /// <summary>When the bucket was last erased.</summary>
    public DateTimeOffset? ErasedAt { get; init; }

    /// <summary>The generation reads and appends use.</summary>
    public required ManifestGeneration Live { get; init; }

    /// <summary>Superseded generations kept for point-in-time reads, oldest first.</summary>
    public IReadOnlyList<ManifestGeneration> Retired { get; init; } = [];

    /// <summary>Retired generations oldest first, then the live one.</summary>
    public IEnumerable<ManifestGeneration> Generations() => Retired.Append(Live);

    /// <summary>Every file the manifest lists.</summary>
    public IEnumerable<string> FileNames() => Generations().SelectMany(generation => generation.FileNames());

    public static BucketManifest New(string bucketId) => new()
    {
        BucketId = bucketId,
        Live = new ManifestGeneration { Origin = GenerationOrigin.Start },
    };
}
