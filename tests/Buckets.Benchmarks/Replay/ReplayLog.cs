using System.Buffers;
using System.Globalization;
using System.Text;
using Buckets.Benchmarks.Tools;
using Buckets.Englang;

namespace Buckets.Benchmarks.Replay;

/// <summary>
/// Generates one bucket's change log as Englang (what the backup server keeps and replays) and,
/// optionally, the same changes as Redis commands in RESP (what an AOF holds): 16-byte keys drawn
/// from a key space, 32-byte text values; 90% sets (a fifth of them with an expiry a day after the
/// change) and 10% deletes. Deterministic for a seed.
/// </summary>
public static class ReplayLog
{
    public const string BucketId = "replaybench";

    /// <summary>Writes the log; returns the Englang bytes written.</summary>
    public static long Write(string englangPath, string? respPath, int changes, int keySpace, DateTimeOffset start, int seed = 1)
    {
        var random = new Random(seed);
        using var englang = new FileStream(englangPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var resp = respPath is null ? null : new FileStream(respPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        var respBuffer = new ArrayBufferWriter<byte>(1 << 20);
        for (var seq = 1; seq <= changes; seq++)
        {
            var at = start.AddMilliseconds(seq);
            var key = Dataset.Key(random.Next(keySpace));
            EnglangRecord record;
            if (random.Next(10) == 0)
            {
                record = new DeleteRecord(at, BucketId, seq, key);
                AppendResp(respBuffer, "DEL", key);
            }
            else
            {
                var value = Dataset.ValueBytes(seq);
                var expiresAt = random.Next(5) == 0 ? at.AddDays(1) : (DateTimeOffset?)null;
                record = new SetRecord(at, BucketId, seq, key, value, expiresAt);
                if (expiresAt is { } e)
                {
                    AppendResp(respBuffer, "SET", key, Encoding.ASCII.GetString(value), "PXAT", e.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    AppendResp(respBuffer, "SET", key, Encoding.ASCII.GetString(value));
                }
            }

            EnglangWriter.Write(record, buffer);
            if (buffer.WrittenCount > (1 << 20) - 4096)
            {
                englang.Write(buffer.WrittenSpan);
                buffer.ResetWrittenCount();
                resp?.Write(respBuffer.WrittenSpan);
                respBuffer.ResetWrittenCount();
            }
        }

        englang.Write(buffer.WrittenSpan);
        resp?.Write(respBuffer.WrittenSpan);
        return englang.Length;
    }

    /// <summary>Appends one command in the Redis protocol (an array of bulk strings).</summary>
    public static void AppendResp(IBufferWriter<byte> output, params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"*{parts.Length}\r\n");
        foreach (var part in parts)
        {
            text.Append(CultureInfo.InvariantCulture, $"${Encoding.UTF8.GetByteCount(part)}\r\n{part}\r\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        bytes.CopyTo(output.GetSpan(bytes.Length));
        output.Advance(bytes.Length);
    }
}
