using System.Buffers;
using Buckets.Abstractions;
using Buckets.Core;
using Buckets.Englang;

namespace Buckets.Grains.Backup;

/// <summary>Turns a bucket's journal and state into Englang, and an Englang snapshot back into state.</summary>
internal static class EnglangBatches
{
    public static byte[] Changes(string bucketId, IReadOnlyList<BucketChange> changes)
    {
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var change in changes)
        {
            EnglangRecord record = change.Kind == ChangeKind.Set
                ? new SetRecord(change.At, bucketId, change.Seq, change.Key, change.Value!, change.ExpiresAt)
                : new DeleteRecord(change.At, bucketId, change.Seq, change.Key);
            EnglangWriter.Write(record, buffer);
        }

        return buffer.WrittenSpan.ToArray();
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
        var result = BucketReplayer.Replay([("snapshot", stream)], new ReplayOptions(now));
        if (!result.Succeeded || result.TornTails.Count > 0)
        {
            var problem = result.Errors.Count > 0 ? result.Errors[0].ToString() : result.TornTails[0].ToString();
            throw new InvalidDataException("The saved state is damaged: " + problem);
        }

        return result.State;
    }

    public static BucketPolicy Policy(ReplayState state) =>
        new(ParseDurability(state.Durability), state.DefaultTtl is { } ttl ? (long)ttl.TotalSeconds : null);

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
