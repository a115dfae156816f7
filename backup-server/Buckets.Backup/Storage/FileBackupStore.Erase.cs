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
    private void Erase(BucketState state, DateTimeOffset at)
    {
        var record = new EraseRecord(at, state.BucketId, state.LastSeq);
        _pendingErasures.Begin(record);
        if (state.Manifest is { } manifest)
        {
            state.LastChangeAt = at;
            state.OpenSegmentBytes = 0;
            Commit(state, manifest with
            {
                Epoch = manifest.Epoch + 1,
                // The erased state outranks every copy a replica that missed the erase still holds.
                WriterEpoch = manifest.Epoch + 1,
                Erased = true,
                ErasedAt = at,
                Live = new ManifestGeneration { Origin = GenerationOrigin.Erase, BaseSeq = state.LastSeq },
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
        StorageLog.Erased(_logger, state.BucketId, state.LastSeq, state.Manifest?.Epoch ?? 0);
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
