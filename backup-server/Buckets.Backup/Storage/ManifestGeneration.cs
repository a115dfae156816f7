namespace Buckets.Backup.Storage;

/// <summary>
/// A base state plus the change segments written after it. The base is a snapshot file, or an empty
/// bucket (<see cref="Snapshot"/> is null) for the first generation and after an erasure.
/// </summary>
internal sealed record ManifestGeneration
{
    /// <summary>One of the <see cref="GenerationOrigin"/> names.</summary>
    public required string Origin { get; init; }

    /// <summary>The change the base is as of; the first segment starts at the next one.</summary>
    public long BaseSeq { get; init; }

    /// <summary>The snapshot header's time; null without a snapshot.</summary>
    public DateTimeOffset? BaseAt { get; init; }

    /// <summary>The snapshot file name, or null for an empty base.</summary>
    public string? Snapshot { get; init; }

    /// <summary>Change segments in order; only the last may be open, and only in the live generation.</summary>
    public IReadOnlyList<ManifestSegment> Segments { get; init; } = [];

    /// <summary>When a newer base superseded this generation; null for the live one.</summary>
    public DateTimeOffset? RetiredAt { get; init; }

    /// <summary>The open segment, if the last one is open.</summary>
    public ManifestSegment? OpenSegment => Segments.Count > 0 && Segments[^1].IsOpen ? Segments[^1] : null;

    /// <summary>True when the generation holds nothing (an empty base without segments).</summary>
    public bool IsEmpty => Snapshot is null && Segments.Count == 0;

    /// <summary>Every file of the generation, snapshot first.</summary>
    public IEnumerable<string> FileNames()
    {
        if (Snapshot is not null)
        {
            yield return Snapshot;
        }

        foreach (var segment in Segments)
        {
            yield return segment.Name;
        }
    }
}
