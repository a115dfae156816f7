using System.Buffers;
using System.Diagnostics;
using Buckets.Benchmarks.Replay;
using Buckets.Englang;

namespace Buckets.Benchmarks.Tools;

/// <summary>The file-producing and replay-timing tools of the load script.</summary>
public static class DataFileTools
{
    /// <summary><c>tool gen-log</c>: one bucket's change log as Englang, and the same changes as RESP for a Redis AOF.</summary>
    public static int GenerateLog(ToolArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var changes = args.Number("changes", 1_000_000);
        var keys = args.Number("keys", 100_000);
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var bytes = ReplayLog.Write(args.Text("out"), args.Optional("resp-out"), changes, keys, new DateTimeOffset(start.Year, start.Month, start.Day, start.Hour, 0, 0, TimeSpan.Zero));
        Console.WriteLine($"wrote {changes} changes over {keys} keys: {bytes} Englang bytes");
        return 0;
    }

    /// <summary><c>tool gen-redis</c>: SETs of <see cref="Dataset"/> entries 0..entries-1 as RESP for <c>redis-cli --pipe</c>.</summary>
    public static int GenerateRedis(ToolArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var entries = args.Number("entries", 1_000_000);
        var valueBytes = args.Number("value-bytes", 32);
        using var file = new FileStream(args.Text("out"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        for (long i = 0; i < entries; i++)
        {
            ReplayLog.AppendResp(buffer, "SET", Dataset.Key(i), Dataset.Value(i, valueBytes));
            if (buffer.WrittenCount > (1 << 20) - 1024)
            {
                file.Write(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
            }
        }

        file.Write(buffer.WrittenSpan);
        return 0;
    }

    /// <summary><c>tool replay</c>: times one cold <see cref="BucketReplayer.ReplayFiles"/> in this process.</summary>
    public static int TimeReplay(ToolArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var path = args.Text("file");
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var result = BucketReplayer.ReplayFiles([path], new ReplayOptions(DateTimeOffset.UtcNow));
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        if (!result.Succeeded)
        {
            Console.Error.WriteLine("replay failed: " + result.Errors[0]);
            return 1;
        }

        Console.WriteLine($"replay_seconds={clock.Elapsed.TotalSeconds:F3} entries={result.State.Entries.Count} last_seq={result.State.LastSeq} allocated_bytes={allocated}");
        return 0;
    }
}
