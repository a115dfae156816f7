using System.Buffers;
using Buckets.Abstractions;
using Buckets.Core;
using Buckets.Englang;
using CommunityToolkit.HighPerformance.Buffers;

namespace Buckets.Grains.Backup;

/// <summary>Turns a bucket's journal and state into Englang, and an Englang snapshot back into state.</summary>
internal static class EnglangBatches
{
    private const int InitialChunkBufferBytes = 64 * 1024;

    // Room per change a batch starts with (a set of a 16-byte key and a 32-byte value is a line of
    // about 150 bytes); the rented buffer grows for larger ones.
    private const int InitialBytesPerChange = 192;

    /// <summary>
    /// Writes held changes in order until the next would take the lines past <paramref name="maxBytes"/>;
    /// the first change is always written, however large. Returns the lines and the last change
    /// written. The changes are read in place from the journal, and written into a rented buffer:
    /// only the returned lines are allocated (a record, key and value per change, and a buffer grown
    /// per batch, were the largest allocations per PUT with backups on in the gc-verbose trace).
    /// </summary>
    public static (byte[] Englang, long ToSeq) Changes(string bucketId, ChangeJournal.HeldChanges changes, int maxBytes)
    {
        using var buffer = new ArrayPoolBufferWriter<byte>((int)Math.Clamp((long)changes.Count * InitialBytesPerChange, 1, maxBytes));
        var kept = 0;
        var toSeq = 0L;
        foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case ChangeKind.Set:
                    EnglangWriter.WriteSet(buffer, change.At, bucketId, change.Seq, change.Key, change.Value, change.ExpiresAt);
                    break;
                case ChangeKind.Delete or ChangeKind.Expired:
                    EnglangWriter.WriteDelete(buffer, change.At, bucketId, change.Seq, change.Key, expired: change.Kind == ChangeKind.Expired, change.ExpiresAt);
                    break;
                case ChangeKind.Expire:
                    EnglangWriter.Write(new ExpireRecord(change.At, bucketId, change.Seq, new string(change.Key), change.ExpiresAt), buffer);
                    break;
                case ChangeKind.Clear:
                    EnglangWriter.Write(new ClearRecord(change.At, bucketId, change.Seq), buffer);
                    break;
                default:
                    // Policy changes and restores reach the backup as snapshots, never through the journal.
                    throw new InvalidOperationException($"A journal holds no {change.Kind} changes.");
            }

            if (kept > 0 && buffer.WrittenCount > maxBytes)
            {
                break;
            }

            kept = buffer.WrittenCount;
            toSeq = change.Seq;
            if (kept >= maxBytes)
            {
                break;
            }
        }

        return (buffer.WrittenSpan[..kept].ToArray(), toSeq);
    }

    public static byte[] Snapshot(string bucketId, DateTimeOffset now, long seq, BucketPolicy policy, IEnumerable<KeyValuePair<string, BucketEntry>> entries)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SnapshotWriter.Write(
            buffer,
            bucketId,
            now,
            seq,
            DurabilityName(policy.Durability),
            policy.DefaultTtlSeconds is { } ttl ? TimeSpan.FromSeconds(ttl) : null,
            entries.Select(e => (e.Key, e.Value.Value, e.Value.ExpiresAt, e.Value.Version)));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The snapshot of captured entries as consecutive pieces of about <paramref name="chunkBytes"/>
    /// (whole lines; a piece is never empty, so one entry larger than that makes a larger piece).
    /// Concatenated they are one snapshot, as <see cref="Snapshot"/> writes it. Lazy: one piece is
    /// built per step, so only one piece is held at a time.
    /// </summary>
    public static IEnumerable<byte[]> SnapshotChunks(string bucketId, DateTimeOffset now, long seq, BucketPolicy policy, IReadOnlyList<CapturedEntry> entries, int chunkBytes)
    {
        var ttl = policy.DefaultTtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        using var writer = new SnapshotStreamWriter(bucketId, now, seq, DurabilityName(policy.Durability), ttl, entries.Count);
        var buffer = new ArrayBufferWriter<byte>(Math.Min(chunkBytes, InitialChunkBufferBytes));
        writer.WriteHeader(buffer);
        foreach (var entry in entries)
        {
            writer.WriteEntry(buffer, entry.Key, entry.CopyValue(), entry.ExpiresAt, entry.Version);
            if (buffer.WrittenCount >= chunkBytes)
            {
                yield return buffer.WrittenSpan.ToArray();
                buffer.ResetWrittenCount();
            }
        }

        writer.WriteFooter(buffer);
        yield return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Replays an Englang snapshot as of <paramref name="now"/>; throws <see cref="InvalidDataException"/> when it is damaged.</summary>
    public static ReplayState Load(byte[] snapshot, DateTimeOffset now)
    {
        if (snapshot.Length == 0)
        {
            return new ReplayState
            {
                Entries = new Dictionary<string, ReplayEntry>(),
                LastSeq = 0,
                Durability = ReplayState.DefaultDurability,
                DefaultTtl = null,
                Erased = false,
            };
        }

        using var stream = new MemoryStream(snapshot, writable: false);
        return Load(stream, now);
    }

    /// <summary>Replays an Englang snapshot that arrived in consecutive pieces; throws <see cref="InvalidDataException"/> when it is damaged.</summary>
    public static ReplayState Load(IReadOnlyList<byte[]> pieces, DateTimeOffset now)
    {
        if (pieces.All(piece => piece.Length == 0))
        {
            return Load(Array.Empty<byte>(), now);
        }

        using var stream = new PiecesStream(pieces);
        return Load(stream, now);
    }

    private static ReplayState Load(Stream stream, DateTimeOffset now)
    {
        var result = BucketReplayer.Replay([("snapshot", stream)], new ReplayOptions(now));
        if (!result.Succeeded || result.TornTails.Count > 0)
        {
            var problem = result.Errors.Count > 0 ? result.Errors[0].ToString() : result.TornTails[0].ToString();
            throw new InvalidDataException("The saved state is damaged: " + problem);
        }

        return result.State;
    }

    public static BucketPolicy Policy(ReplayState state) => Policy(state.Durability, state.DefaultTtl);

    public static BucketPolicy Policy(string durability, TimeSpan? defaultTtl) =>
        new(ParseDurability(durability), defaultTtl is { } ttl ? (long)ttl.TotalSeconds : null);

    public static string DurabilityName(Durability durability) => durability switch
    {
        Durability.Cache => EnglangDurability.Cache,
        Durability.Critical => EnglangDurability.Critical,
        _ => EnglangDurability.Standard,
    };

    private static Durability ParseDurability(string name) => name switch
    {
        EnglangDurability.Cache => Durability.Cache,
        EnglangDurability.Critical => Durability.Critical,
        _ => Durability.Standard,
    };
}
