using System.Buffers;
using Buckets.Englang;

namespace Buckets.Backup.Storage;

/// <summary>
/// Replays a <see cref="HistoryChain"/> with the Englang replayer. Any damage (a missing file, a bad
/// line anywhere, a damaged last line, a sequence gap or overlap, a snapshot that does not add up)
/// throws <see cref="BackupCorruptException"/> naming the file and line: history is never cut short
/// silently. Torn tails are only cut by recovery, before reads.
/// </summary>
internal static class HistoryReader
{
    public static ReplayState Replay(string bucketDirectory, string bucketId, HistoryChain chain, ReplayOptions options)
    {
        foreach (var file in chain.Files.Where(file => !File.Exists(Path.Combine(bucketDirectory, file))))
        {
            throw new BackupCorruptException(
                $"The backup of bucket {bucketId} is damaged: {file} is listed in the manifest but missing.", file, null);
        }

        var streams = new List<Stream>();
        try
        {
            var sources = new List<(string Name, Stream Content)>();
            if (chain.Base.Snapshot is null)
            {
                // An explicit empty base makes the replayer check that the first segment starts right after it.
                var empty = EmptyBase(bucketId, chain.Base.BaseSeq);
                streams.Add(empty);
                sources.Add(($"(empty bucket as of change {chain.Base.BaseSeq})", empty));
            }

            foreach (var file in chain.Files)
            {
                var stream = new FileStream(
                    Path.Combine(bucketDirectory, file), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
                streams.Add(stream);
                sources.Add((file, stream));
            }

            var result = BucketReplayer.Replay(sources, options);
            if (result.TornTails.Count > 0)
            {
                var torn = result.TornTails[0];
                throw Damaged(bucketId, torn.File, torn.Line, "the last line is damaged or incomplete: " + torn.Message);
            }

            if (!result.Succeeded)
            {
                var error = result.Errors[0];
                throw Damaged(bucketId, error.File, error.Line, error.Message);
            }

            return result.State;
        }
        finally
        {
            foreach (var stream in streams)
            {
                stream.Dispose();
            }
        }
    }

    public static BackupCorruptException Damaged(string bucketId, string file, long line, string message) =>
        new($"The backup of bucket {bucketId} is damaged: {file} line {line}: {EnglangMessages.Redact(message)}", file, line);

    /// <summary>An empty snapshot as of <paramref name="seq"/> (stamped at the Unix epoch so time-bounded replays start from it).</summary>
    public static MemoryStream EmptyBase(string bucketId, long seq)
    {
        var buffer = new ArrayBufferWriter<byte>();
        SnapshotWriter.Write(buffer, bucketId, DateTimeOffset.UnixEpoch, seq, ReplayState.DefaultDurability, null, []);
        return new MemoryStream(buffer.WrittenSpan.ToArray(), writable: false);
    }
}
