using Buckets.Abstractions.Backup;

namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public Task<AppendResult> AppendChangesAsync(string bucketId, long epoch, ReadOnlyMemory<byte> lines, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, "append changes", state =>
        {
            if (CheckEpoch(state, epoch) is { } refused)
            {
                return refused;
            }

            if (!ChangeLines.TryParse(state.BucketId, lines.Span, out var parsed, out var error))
            {
                return Refuse(state, AckStatus.Invalid, error);
            }

            if (parsed is null)
            {
                return new AppendResult(AckStatus.Stored, state.LastSeq);
            }

            if (parsed.FirstSeq <= state.LastSeq
                && StoredLines.FirstDifference(state, lines.Span, parsed, parsed.FirstSeq, Math.Min(parsed.LastSeq, state.LastSeq)) is { } differs)
            {
                return Refuse(state, AckStatus.Conflict, $"change {differs} is stored with other content; number new changes above {state.LastSeq}");
            }

            if (parsed.LastSeq <= state.LastSeq)
            {
                return new AppendResult(AckStatus.Stored, state.LastSeq);
            }

            if (parsed.FirstSeq > state.LastSeq + 1)
            {
                return Refuse(state, AckStatus.Gap, $"the next change must be {state.LastSeq + 1} but the lines start at change {parsed.FirstSeq}");
            }

            // Appends stay cheap: one write and one fsync. The manifest is not touched; recovery
            // reads the last change from the open segment itself.
            var open = EnsureOpenSegment(state);
            state.OpenSegmentBytes = DurableFiles.Append(state.PathOf(open.Name), lines.Span[parsed.OffsetOf(state.LastSeq + 1)..]);
            state.LastSeq = parsed.LastSeq;
            state.LastChangeAt = parsed.LastAt;
            if (state.OpenSegmentBytes >= _options.SegmentMaxBytes)
            {
                SealOpenSegment(state);
            }

            return new AppendResult(AckStatus.Stored, state.LastSeq);
        }, cancellationToken);

    /// <summary>
    /// Returns the open segment, creating it first when there is none. The new file is created and
    /// listed in the manifest before anything is written to it, so an unlisted segment never holds
    /// an acknowledged change.
    /// </summary>
    private ManifestSegment EnsureOpenSegment(BucketState state)
    {
        var manifest = state.Manifest!;
        if (manifest.Live.OpenSegment is { } open)
        {
            return open;
        }

        var segment = new ManifestSegment(FileNames.OpenSegment(state.LastSeq + 1, Now()), state.LastSeq + 1, null);
        DurableFiles.CreateEmpty(state.PathOf(segment.Name));
        Commit(state, manifest with
        {
            Live = manifest.Live with { Segments = [.. manifest.Live.Segments, segment] },
            Erased = false,
        });
        state.OpenSegmentBytes = 0;
        return segment;
    }

    /// <summary>Seals the open segment: the manifest records the sealed name first, then the file is renamed.</summary>
    private void SealOpenSegment(BucketState state)
    {
        var manifest = state.Manifest!;
        var changes = new FileChanges();
        var live = ManifestEdits.SealOpen(manifest.Live, state.LastSeq, changes);
        Commit(state, manifest with { Live = live });
        changes.Apply(state.Directory);
        StorageLog.SegmentSealed(_logger, state.BucketId, live.Segments[^1].Name, state.OpenSegmentBytes);
        state.OpenSegmentBytes = 0;
    }
}
