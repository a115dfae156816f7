using System.Buffers;
using Buckets.Abstractions;
using Buckets.Core;
using Buckets.Englang;

namespace Buckets.Grains.Backup;

/// <summary>Turns a bucket's journal and state into Englang, and an Englang snapshot back into state.</summary>
internal static class EnglangBatches
{
    private const int InitialChunkBufferBytes = 64 * 1024;

    // Sentence, timestamps, bucket id, change number and checksum of one line (a set of a 16-byte
    // key and 32-byte value is about 150 bytes in all), plus a little room for escapes.
    private const int LineOverheadBytes = 160;

    // The Englang writer's bound on a line: fixed text, at most 8 bytes per key or id character
    // and 4 per value byte.
    private const int WorstLineFixedBytes = 512 + 64;
    private const int WorstBytesPerChar = 8;
    private const int WorstBytesPerValueByte = 4;

    /// <summary>
    /// Writes changes in order until the next would take the lines past <paramref name="maxBytes"/>;
    /// the first change is always written, however large. Returns the lines and the last change written.
    /// </summary>
    public static (byte[] Englang, long ToSeq) Changes(string bucketId, IReadOnlyList<BucketChange> changes, int maxBytes)
    {
        var buffer = new ArrayBufferWriter<byte>(EstimatedBytes(bucketId, changes, maxBytes));
        var kept = 0;
        var toSeq = 0L;
        foreach (var change in changes)
        {
            EnglangRecord record = change.Kind switch
            {
                ChangeKind.Set => new SetRecord(change.At, bucketId, change.Seq, change.Key, change.Value!, change.ExpiresAt),
                ChangeKind.Expire => new ExpireRecord(change.At, bucketId, change.Seq, change.Key, change.ExpiresAt),
                ChangeKind.Clear => new ClearRecord(change.At, bucketId, change.Seq),
                ChangeKind.Expired => new DeleteRecord(change.At, bucketId, change.Seq, change.Key, Expired: true),
                _ => new DeleteRecord(change.At, bucketId, change.Seq, change.Key),
            };
            EnglangWriter.Write(record, buffer);
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

    /// <summary>
    /// Room for the lines, sized up front: grown from the writer's default, the buffer was copied
    /// through every doubling on each pull, about twice the batch in discarded arrays (the largest
    /// allocation per PUT with backups on, in the gc-verbose trace of a PUT load).
    /// </summary>
    private static int EstimatedBytes(string bucketId, IReadOnlyList<BucketChange> changes, int maxBytes)
    {
        // The writer reserves a worst-case line (escapes, base64) before each line, so the room for
        // the last one is its worst case, not its size.
        long estimate = 0;
        long worstLine = 0;
        foreach (var change in changes)
        {
            var key = change.Key.Length;
            var value = change.Value?.Length ?? 0;
            estimate += LineOverheadBytes + key + value;
            worstLine = Math.Max(worstLine, WorstLineFixedBytes + (WorstBytesPerChar * (bucketId.Length + key)) + (WorstBytesPerValueByte * value));
            if (estimate >= maxBytes)
            {
                break;
            }
        }

        return (int)Math.Min(estimate + worstLine, (long)maxBytes + worstLine);
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
