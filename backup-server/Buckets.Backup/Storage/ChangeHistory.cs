using System.Buffers;
using Buckets.Abstractions.Backup;
using Buckets.Englang;

namespace Buckets.Backup.Storage;

/// <summary>
/// Ranged reads of a bucket's stored changes, for the change feed of a reader that is behind what
/// its bucket still holds in memory: the change lines after a number, in order, from the live and
/// the retired generations' files. A grain's snapshot that follows a stored change directly is one
/// change (a policy change or a restore) and is returned as its header line; a snapshot that covers
/// changes no file holds one by one (a journal that overflowed, history past retention) ends what
/// can be read: the answer says the oldest number a reader may resume after.
/// </summary>
public static class ChangeHistory
{
    /// <summary>The stored lines after <paramref name="afterSeq"/> (at most <paramref name="maxChanges"/> changes, about <paramref name="maxBytes"/>) and the oldest number one may resume after; <c>null</c> for a bucket never stored.</summary>
    public static async Task<StoredChanges?> ReadAsync(IBackupStore store, string bucketId, long afterSeq, int maxChanges, int maxBytes, CancellationToken cancellationToken)
    {
        if (await store.DescribeAsync(bucketId, cancellationToken) is not { } info)
        {
            return null;
        }

        var oldestAfter = OldestAfter(info);
        if (afterSeq < oldestAfter || afterSeq >= info.LastSeq)
        {
            return new StoredChanges([], oldestAfter, info.LastSeq);
        }

        var lines = new ArrayBufferWriter<byte>();
        var next = afterSeq + 1;
        var taken = 0;
        var files = info.Files.Where(file => file.ToSeq >= next).OrderBy(file => file.FromSeq).ThenBy(file => file.Kind == FileNames.SnapshotKind ? 1 : 0);
        foreach (var file in files)
        {
            if (taken >= maxChanges || lines.WrittenCount >= maxBytes)
            {
                break;
            }

            if (file.Kind == FileNames.SnapshotKind)
            {
                if (file.FromSeq == next && ReadHeader(store, bucketId, file.Name) is { } header)
                {
                    lines.Write(header);
                    next++;
                    taken++;
                }

                continue;
            }

            using var stream = store.OpenFile(bucketId, file.Name);
            if (stream is null)
            {
                continue;
            }

            using var reader = new EnglangReader(stream, file.Name);
            while (taken < maxChanges && lines.WrittenCount < maxBytes && reader.TryRead(out var item))
            {
                if (item.Record is not ISequencedRecord sequenced || sequenced.Seq < next)
                {
                    continue;
                }

                if (sequenced.Seq != next)
                {
                    // A gap inside what the files say is held: stop at the last good change rather than skip.
                    return new StoredChanges(lines.WrittenSpan.ToArray(), oldestAfter, info.LastSeq);
                }

                lines.Write(reader.CurrentLine);
                lines.Write("\n"u8);
                next++;
                taken++;
            }
        }

        return new StoredChanges(lines.WrittenSpan.ToArray(), oldestAfter, info.LastSeq);
    }

    /// <summary>
    /// The lowest number after which every stored change up to the last can be read one by one: the
    /// start of the run of change segments (joined by snapshots that follow a segment directly) that ends at the last change.
    /// </summary>
    private static long OldestAfter(BucketBackupInfo info)
    {
        var segments = info.Files.Where(file => file.Kind == FileNames.ChangesKind && file.ToSeq >= file.FromSeq).ToList();
        var snapshots = info.Files.Where(file => file.Kind == FileNames.SnapshotKind).Select(file => file.FromSeq).ToHashSet();
        var oldest = info.LastSeq;
        while (true)
        {
            var target = oldest;
            var segment = segments.Where(file => file.FromSeq <= target && file.ToSeq >= target).MinBy(file => file.FromSeq);
            if (segment is not null)
            {
                oldest = segment.FromSeq - 1;
                continue;
            }

            // A snapshot at `oldest` is one change only when the change before it is stored (or it is the bucket's first).
            if (oldest > 0 && snapshots.Contains(oldest) && (oldest == 1 || segments.Any(file => file.ToSeq == oldest - 1)))
            {
                oldest--;
                continue;
            }

            return oldest;
        }
    }

    private static byte[]? ReadHeader(IBackupStore store, string bucketId, string fileName)
    {
        using var stream = store.OpenFile(bucketId, fileName);
        if (stream is null)
        {
            return null;
        }

        using var reader = new EnglangReader(stream, fileName);
        return reader.TryRead(out var item) && item.Record is SnapshotHeaderRecord ? [.. reader.CurrentLine, (byte)'\n'] : null;
    }
}
