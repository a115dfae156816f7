using Buckets.Englang;

namespace Buckets.Backup.Storage;

public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public async Task EraseAsync(string bucketId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await WithBucketAsync(bucketId, "erase", state =>
        {
            Erase(state, at);
            return true;
        }, cancellationToken);

        // The write-ahead log may still hold the erased lines: they are gone from the disk only once
        // every generation that holds them is checkpointed and deleted.
        await _wal.CheckpointAsync();
    }

    /// <summary>
    /// Fencing first: the erase takes an epoch of its own, so nothing an activation collected before
    /// the erase (a pull batch, a push, a migrated copy, a snapshot) can be stored after it.
    /// Marker first, then the manifest drops every file (so a crash mid-deletion leaves files that
    /// recovery deletes as leftovers, never a bucket that still reads the erased data), then the
    /// files go, then the audit line, then the marker.
    /// </summary>
    private void Erase(BucketState state, DateTimeOffset at) =>
        Erase(state, state.Manifest, at, (state.Manifest?.Epoch ?? 0) + 1, (state.Manifest?.Epoch ?? 0) + 1, state.LastSeq);

    /// <summary>
    /// An erasure under the given epochs at change <paramref name="lastSeq"/>. A bucket's own erase takes
    /// a fresh number for both (the erased state outranks every copy a replica that missed the erase still
    /// holds); a replica that installs a peer's erasure passes the peer's numbers, so both hold the same (w, s).
    /// </summary>
    private void Erase(BucketState state, BucketManifest? manifest, DateTimeOffset at, long epoch, long writerEpoch, long lastSeq)
    {
        var record = new EraseRecord(at, state.BucketId, lastSeq);
        _pendingErasures.Begin(record);
        if (manifest is not null)
        {
            state.LastSeq = lastSeq;
            state.LastChangeAt = at;
            state.OpenSegmentBytes = 0;
            Commit(state, manifest with
            {
                Epoch = epoch,
                WriterEpoch = writerEpoch,
                Erased = true,
                ErasedAt = at,
                Live = new ManifestGeneration { Origin = GenerationOrigin.Erase, BaseSeq = lastSeq },
                Retired = [],
            });
            var everything = Directory.EnumerateFiles(state.Directory)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(name => name != FileNames.Manifest)
                .ToList();
            DurableFiles.Delete(state.Directory, everything);
        }

        _audit.Append(record);
        _pendingErasures.End(state.BucketId);
        StorageLog.Erased(_logger, state.BucketId, lastSeq, state.Manifest?.Epoch ?? 0);
    }

    /// <summary>Completes erasures a crash interrupted (at most one audit line may then be written twice).</summary>
    private void FinishPendingErasures()
    {
        foreach (var record in _pendingErasures.Unfinished())
        {
            var state = StateOf(record.BucketId);
            StorageLog.ErasureResumed(_logger, record.BucketId);
            try
            {
                Load(state);
                Erase(state, record.At);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or BackupCorruptException)
            {
                // One damaged bucket must not keep the store from starting; its marker stays for the next start.
                StorageLog.OperationFailed(_logger, exception, record.BucketId, "finish erasure");
                Invalidate(state);
            }
        }
    }
}
