using Buckets.Abstractions.Backup;

namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public Task<AppendResult> AppendChangesAsync(string bucketId, long epoch, ReadOnlyMemory<byte> lines, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, "append changes", async state =>
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

            RecordWriter(state, epoch);

            // Durable in the shared log first (one fsync for every bucket waiting), then written to
            // the bucket's own file, which the log's checkpoint fsyncs later. The manifest is not
            // touched: recovery reads the last change from the open segment itself.
            var fresh = lines[parsed.OffsetOf(state.LastSeq + 1)..];
            var ticket = await _wal.AppendAsync(fresh);
            string? written = null;
            try
            {
                written = WriteToOpenSegment(state, fresh.Span, parsed.LastSeq, parsed.LastAt);
            }
            finally
            {
                WriteAheadLog.Release(ticket, written);
            }

            return new AppendResult(AckStatus.Stored, state.LastSeq);
        }, cancellationToken);

    /// <summary>Appends complete change lines to the open segment (sealing it when full); returns the file written.</summary>
    private string WriteToOpenSegment(BucketState state, ReadOnlySpan<byte> lines, long lastSeq, DateTimeOffset lastAt)
    {
        var path = state.PathOf(EnsureOpenSegment(state).Name);
        _files.Write(state, path, lines, state.OpenSegmentBytes);
        state.OpenSegmentBytes += lines.Length;
        state.LastSeq = lastSeq;
        state.LastChangeAt = lastAt;
        if (state.OpenSegmentBytes >= _options.SegmentMaxBytes)
        {
            SealOpenSegment(state);
        }

        return path;
    }

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

    /// <summary>
    /// Seals the open segment: it is fsynced (the log's checkpoint will not find it under its new
    /// name), the manifest records the sealed name, then the file is renamed.
    /// </summary>
    private void SealOpenSegment(BucketState state)
    {
        SyncOpenSegment(state);
        var manifest = state.Manifest!;
        var changes = new FileChanges();
        var live = ManifestEdits.SealOpen(manifest.Live, state.LastSeq, changes);
        Commit(state, manifest with { Live = live });
        changes.Apply(state.Directory);
        StorageLog.SegmentSealed(_logger, state.BucketId, live.Segments[^1].Name, state.OpenSegmentBytes);
        state.OpenSegmentBytes = 0;
    }

    private static void SyncOpenSegment(BucketState state)
    {
        if (state.Manifest?.Live.OpenSegment is { } open)
        {
            DurableFiles.SyncFile(state.PathOf(open.Name));
        }
    }
}
