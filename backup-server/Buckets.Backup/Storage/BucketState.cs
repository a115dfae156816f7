using Microsoft.Win32.SafeHandles;

namespace Buckets.Backup.Storage;

/// <summary>
/// What the store keeps in memory about one bucket between calls. It is a cache of the folder:
/// <see cref="Invalidate"/> after a failed operation makes the next call reload it from disk.
/// Only touched while <see cref="Gate"/> is held.
/// </summary>
internal sealed class BucketState(string bucketId, string directory)
{
    public string BucketId { get; } = bucketId;

    public string Directory { get; } = directory;

    /// <summary>Serialises every operation on the bucket.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public bool IsLoaded { get; private set; }

    /// <summary>
    /// Set (under the gate) when the store dropped this object to save memory: a caller that waited
    /// on its gate must fetch the bucket's current state again.
    /// </summary>
    public bool Evicted { get; set; }

    /// <summary>When an operation last used the bucket (<see cref="TimeProvider.GetTimestamp"/>).</summary>
    public long LastUsed { get; set; }

    /// <summary>The manifest as last written; null when the bucket has no backup.</summary>
    public BucketManifest? Manifest { get; set; }

    /// <summary>The last change stored (derived from the files, so it may be ahead of the manifest).</summary>
    public long LastSeq { get; set; }

    /// <summary>The time of the last change stored, when known.</summary>
    public DateTimeOffset? LastChangeAt { get; set; }

    /// <summary>The size of the open segment (0 when there is none).</summary>
    public long OpenSegmentBytes { get; set; }

    /// <summary>The open segment's cached file handle, if any (see <see cref="OpenSegmentFiles"/>).</summary>
    public SafeFileHandle? SegmentHandle { get; set; }

    /// <summary>The path <see cref="SegmentHandle"/> was opened at.</summary>
    public string? SegmentHandlePath { get; set; }

    /// <summary>Where the bucket sits in <see cref="OpenSegmentFiles"/>' recency list.</summary>
    public LinkedListNode<BucketState>? RecencyNode { get; set; }

    public string PathOf(string fileName) => Path.Combine(Directory, fileName);

    public void MarkLoaded() => IsLoaded = true;

    public void Invalidate()
    {
        IsLoaded = false;
        Manifest = null;
        LastSeq = 0;
        LastChangeAt = null;
        OpenSegmentBytes = 0;
    }
}
