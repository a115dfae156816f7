namespace Buckets.Backup.Storage;

/// <summary>The store's side of resync and of the integrity sweep: a whole copy read, installed over an older one, or put in place of a damaged or divergent one, and one bucket verified.</summary>
public sealed partial class FileBackupStore
{
    /// <inheritdoc />
    public Task<ReplicaCopy?> ReadReplicaAsync(string bucketId, CancellationToken cancellationToken) => ReadReplicaAsync(bucketId, null, cancellationToken);

    /// <inheritdoc />
    public Task<ReplicaCopy?> ReadReplicaAsync(string bucketId, long? atSeq, CancellationToken cancellationToken) =>
        WithBucketAsync(bucketId, "read replica", state =>
        {
            if (state.Manifest is not { } manifest)
            {
                return null;
            }

            var snapshot = ReadState(state, manifest, atSeq is { } seq && seq < state.LastSeq ? seq : null, null);
            return (ReplicaCopy?)new ReplicaCopy(manifest.Epoch, manifest.WriterEpoch, snapshot.Seq, snapshot.Snapshot, manifest.Erased && snapshot.Seq == state.LastSeq);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> InstallReplicaAsync(string bucketId, ReplicaCopy copy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var installed = await WithBucketAsync(bucketId, "install replica", state =>
        {
            var manifest = state.Manifest ?? NewBucket(state);
            if ((manifest.WriterEpoch, state.LastSeq).CompareTo((copy.WriterEpoch, copy.LastSeq)) >= 0)
            {
                // What this replica holds is as new as the copy: keep it, but never forget a higher epoch.
                if (copy.Epoch > manifest.Epoch)
                {
                    Commit(state, manifest with { Epoch = copy.Epoch });
                }

                return false;
            }

            Install(state, manifest, copy, replace: false);
            return true;
        }, cancellationToken);

        if (installed && copy.Erased)
        {
            // As after an erase of its own: the write-ahead log must not keep the erased lines.
            await _wal.CheckpointAsync();
        }

        return installed;
    }

    /// <inheritdoc />
    public async Task<bool> ReplaceReplicaAsync(string bucketId, ReplicaCopy copy, ReplicaPosition? held, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var replaced = await WithUnloadedBucketAsync(bucketId, "replace replica", state =>
        {
            BucketManifest? manifest;
            try
            {
                Load(state);
                manifest = state.Manifest;
                if (held is { } expected && new ReplicaPosition(manifest?.WriterEpoch ?? 0, state.LastSeq) != expected)
                {
                    return false;
                }
            }
            catch (BackupCorruptException)
            {
                // Damaged: not loaded, and its files are replaced as they are.
                manifest = TryLoadManifest(state);
                state.Manifest = manifest;
            }

            Install(state, manifest ?? NewBucket(state), copy, replace: true);
            Invalidate(state);
            return true;
        }, cancellationToken);

        if (replaced)
        {
            // The write-ahead log may still hold lines of the replaced history: a restart must not replay them on top of the copy.
            await _wal.CheckpointAsync();
        }

        return replaced;
    }

    /// <inheritdoc />
    public Task<BackupVerificationReport?> VerifyAsync(string bucketId, CancellationToken cancellationToken) =>
        WithUnloadedBucketAsync<BackupVerificationReport?>(bucketId, "verify", state =>
        {
            if (!Directory.Exists(state.Directory))
            {
                return null;
            }

            var collector = new VerificationCollector();
            BucketVerifier.Verify(state.Directory, state.BucketId, BucketLayout.RelativePath(state.BucketId), collector);
            // A damaged manifest counts no bucket but is a problem: the bucket is there, and damaged.
            var report = collector.ToReport();
            return collector.BucketCount == 0 && report.IsHealthy ? null : report;
        }, cancellationToken);

    /// <summary>
    /// Makes <paramref name="copy"/> the bucket's state under the higher of both epochs, with the copy's
    /// writer epoch and last change, so afterwards this replica's (w, s) is the source's. An erased copy
    /// is installed as an erasure (every file goes, the audit records it); otherwise the copy becomes the
    /// live base and what was live is retired, or with <paramref name="replace"/> (a damaged or divergent
    /// history) deleted with every older generation, so no later verification finds the damage again and
    /// no point-in-time read returns the replaced history.
    /// </summary>
    private void Install(BucketState state, BucketManifest manifest, ReplicaCopy copy, bool replace)
    {
        var epoch = Math.Max(manifest.Epoch, copy.Epoch);
        if (copy.Erased)
        {
            Erase(state, manifest, Now(), epoch, copy.WriterEpoch, copy.LastSeq);
            return;
        }

        if (!IncomingSnapshot.TryValidate(state.BucketId, copy.Snapshot, out var header, out var error) || header.Seq != copy.LastSeq)
        {
            throw new InvalidDataException($"The copy of bucket {state.BucketId} is not a valid snapshot at change {copy.LastSeq}: {error ?? $"it is at change {header?.Seq}"}.");
        }

        var name = FileNames.Snapshot(header.Seq, header.At);
        var live = new ManifestGeneration { Origin = GenerationOrigin.Snapshot, BaseSeq = header.Seq, BaseAt = header.At, Snapshot = name };
        if (replace)
        {
            DurableFiles.WriteAtomically(state.PathOf(name), stream => stream.Write(copy.Snapshot));
            state.LastSeq = header.Seq;
            state.LastChangeAt = header.At;
            state.OpenSegmentBytes = 0;
            Commit(state, manifest with { Epoch = epoch, WriterEpoch = copy.WriterEpoch, Live = live, Retired = [], Erased = false });
            var replaced = Directory.EnumerateFiles(state.Directory)
                .Select(Path.GetFileName)
                .OfType<string>()
                .Where(file => file != FileNames.Manifest && file != name)
                .ToList();
            DurableFiles.Delete(state.Directory, replaced);
        }
        else
        {
            // The epochs first (durable), then the state: a crash between them leaves an old state under a
            // higher epoch, which the next resync or sweep replaces.
            Commit(state, manifest with { Epoch = epoch, WriterEpoch = copy.WriterEpoch });
            DurableFiles.WriteAtomically(state.PathOf(name), stream => stream.Write(copy.Snapshot));
            Rebase(state, live, header.At, Now());
        }

        StorageLog.ReplicaInstalled(_logger, state.BucketId, copy.WriterEpoch, header.Seq, name);
    }

    private static BucketManifest? TryLoadManifest(BucketState state)
    {
        try
        {
            return ManifestFile.Load(state.Directory, state.BucketId);
        }
        catch (BackupCorruptException)
        {
            // The manifest itself is damaged: the copy starts a new one (the caller read every peer's epoch).
            return null;
        }
    }
}
