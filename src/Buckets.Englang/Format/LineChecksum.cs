using System.Diagnostics.CodeAnalysis;
using System.IO.Hashing;

namespace Buckets.Englang;

/// <summary>
/// The per-line checksum: every line ends with <c> [crc xxxxxxxx]</c>, eight lowercase hex digits of
/// the CRC-32 (IEEE) of all bytes before that suffix.
/// </summary>
internal static class LineChecksum
{
    /// <summary>Length of <c> [crc xxxxxxxx]</c>.</summary>
    public const int SuffixLength = 15;

    public static uint Compute(ReadOnlySpan<byte> body) => Crc32.HashToUInt32(body);

    /// <summary>Splits a line (without its line feed) into body and checksum and checks the checksum.</summary>
    public static bool TryGetBody(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> body, [NotNullWhen(false)] out string? error)
    {
        body = default;
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            error = "the line ends with a carriage return; Englang lines end with a bare line feed";
            return false;
        }

        if (line.Length < SuffixLength || !line[^SuffixLength..^9].SequenceEqual(" [crc "u8) || line[^1] != (byte)']')
        {
            error = line.IsEmpty
                ? "the line is empty; expected a record ending with \" [crc xxxxxxxx]\""
                : "expected the line to end with a checksum like \" [crc 1a2b3c4d]\"";
            return false;
        }

        if (!TryParseHex8(line[^9..^1], out var stated))
        {
            error = "expected eight lowercase hex digits in the checksum \" [crc xxxxxxxx]\"";
            return false;
        }

        body = line[..^SuffixLength];
        var actual = Compute(body);
        if (actual != stated)
        {
            error = $"checksum mismatch: the line says {stated:x8} but its text hashes to {actual:x8}";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryParseHex8(ReadOnlySpan<byte> hex, out uint value)
    {
        value = 0;
        foreach (var b in hex)
        {
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        return true;
    }
}
