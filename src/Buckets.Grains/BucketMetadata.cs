using Buckets.Abstractions;

namespace Buckets.Grains;

/// <summary>
/// What must survive a full cluster restart besides the entries (which live in the backup server):
/// the policy and how far backups got. Stored through Orleans grain persistence (PostgreSQL in the
/// cluster profile), written only when the policy changes and when a bucket deactivates.
/// </summary>
[GenerateSerializer, Alias("Buckets.BucketMetadata")]
public sealed class BucketMetadata
{
    /// <summary>The storage provider name every profile registers.</summary>
    public const string StorageName = "bucket-metadata";

    /// <summary>
    /// Nullable on purpose: the storage serializer leaves out default values, and <c>Cache</c> is the
    /// enum's default, so a non-nullable "cache" would read back as the initializer's value.
    /// </summary>
    [Id(0)]
    public Durability? Durability { get; set; }

    [Id(1)]
    public long? DefaultTtlSeconds { get; set; }

    /// <summary>The highest change the backup server acknowledged when this was last written.</summary>
    [Id(2)]
    public long BackedUpSeq { get; set; }

    /// <summary>The change number when this was last written.</summary>
    [Id(3)]
    public long LastSeq { get; set; }
}
