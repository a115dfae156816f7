using System.Buffers;

namespace Buckets.Englang;

/// <summary>
/// Writes a complete snapshot (header, one entry line per key, footer with the right count and
/// digest) to an <see cref="IBufferWriter{T}"/> or a <see cref="Stream"/>.
/// <list type="bullet">
/// <item><c>static SnapshotFooterRecord Write(IBufferWriter&lt;byte&gt; or Stream output, string bucketId, DateTimeOffset at, long seq, string durability, TimeSpan? defaultTtl, IEnumerable&lt;(string Key, byte[] Value, DateTimeOffset? ExpiresAt, long Version)&gt; entries)</c></item>
/// <item><c>static SnapshotFooterRecord Write(IBufferWriter&lt;byte&gt; or Stream output, string bucketId, DateTimeOffset at, ReplayState state)</c>: entries in ordinal key order.</item>
/// </list>
/// Every line of the snapshot carries <c>at</c> as its time. The returned footer is the last line written.
/// </summary>
public static class SnapshotWriter
{
    private const int StreamFlushBytes = 64 * 1024;

    /// <summary>Writes a snapshot of the given entries; returns the footer written.</summary>
    public static SnapshotFooterRecord Write(
        IBufferWriter<byte> output,
        string bucketId,
        DateTimeOffset at,
        long seq,
        string durability,
        TimeSpan? defaultTtl,
        IEnumerable<(string Key, byte[] Value, DateTimeOffset? ExpiresAt, long Version)> entries)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(entries);
        return WriteCore(output, null, bucketId, at, seq, durability, defaultTtl, entries);
    }

    /// <summary>Writes a snapshot of the given entries to a stream; returns the footer written.</summary>
    public static SnapshotFooterRecord Write(
        Stream output,
        string bucketId,
        DateTimeOffset at,
        long seq,
        string durability,
        TimeSpan? defaultTtl,
        IEnumerable<(string Key, byte[] Value, DateTimeOffset? ExpiresAt, long Version)> entries)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(entries);
        var buffer = new ArrayBufferWriter<byte>(StreamFlushBytes);
        var footer = WriteCore(buffer, output, bucketId, at, seq, durability, defaultTtl, entries);
        Flush(buffer, output);
        return footer;
    }

    /// <summary>Writes a snapshot of a replayed state (as of its <see cref="ReplayState.LastSeq"/>); returns the footer.</summary>
    public static SnapshotFooterRecord Write(IBufferWriter<byte> output, string bucketId, DateTimeOffset at, ReplayState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Write(output, bucketId, at, state.LastSeq, state.Durability, state.DefaultTtl, EntriesOf(state));
    }

    /// <summary>Writes a snapshot of a replayed state to a stream; returns the footer.</summary>
    public static SnapshotFooterRecord Write(Stream output, string bucketId, DateTimeOffset at, ReplayState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return Write(output, bucketId, at, state.LastSeq, state.Durability, state.DefaultTtl, EntriesOf(state));
    }

    private static SnapshotFooterRecord WriteCore(
        IBufferWriter<byte> output,
        Stream? flushTo,
        string bucketId,
        DateTimeOffset at,
        long seq,
        string durability,
        TimeSpan? defaultTtl,
        IEnumerable<(string Key, byte[] Value, DateTimeOffset? ExpiresAt, long Version)> entries)
    {
        if (!entries.TryGetNonEnumeratedCount(out var count))
        {
            var list = entries.ToList();
            entries = list;
            count = list.Count;
        }

        using var writer = new SnapshotStreamWriter(bucketId, at, seq, durability, defaultTtl, count);
        writer.WriteHeader(output);
        foreach (var (key, value, expiresAt, version) in entries)
        {
            writer.WriteEntry(output, key, value, expiresAt, version);
            FlushWhenFull(output, flushTo);
        }

        var footer = writer.WriteFooter(output);
        FlushWhenFull(output, flushTo);
        return footer;
    }

    private static void FlushWhenFull(IBufferWriter<byte> output, Stream? flushTo)
    {
        if (flushTo is not null && output is ArrayBufferWriter<byte> buffer && buffer.WrittenCount >= StreamFlushBytes)
        {
            Flush(buffer, flushTo);
        }
    }

    private static void Flush(ArrayBufferWriter<byte> buffer, Stream output)
    {
        output.Write(buffer.WrittenSpan);
        buffer.ResetWrittenCount();
    }

    /// <summary>
    /// The entries in ordinal key order. The keys alone are sorted: a string array sorts in the
    /// runtime's shared, precompiled code, where a sort of key and entry pairs (a struct) started in
    /// unoptimized code and took a sixth of a short replay's time (perf of <c>buckets replay</c>).
    /// </summary>
    private static List<(string Key, byte[] Value, DateTimeOffset? ExpiresAt, long Version)> EntriesOf(ReplayState state)
    {
        var keys = state.Entries.Keys.ToArray();
        Array.Sort(keys, StringComparer.Ordinal);
        var entries = new List<(string Key, byte[] Value, DateTimeOffset? ExpiresAt, long Version)>(keys.Length);
        foreach (var key in keys)
        {
            var entry = state.Entries[key];
            entries.Add((key, entry.Value, entry.ExpiresAt, entry.Version));
        }

        return entries;
    }
}
