using System.Buffers;
using System.Text;

namespace Buckets.Englang;

/// <summary>Reading numbers, timestamps, durations, durability names and digests.</summary>
internal ref partial struct BodyCursor
{
    private static readonly SearchValues<byte> LowerHex = SearchValues.Create("0123456789abcdef"u8);

    private const string TimestampShape = "a UTC time like \"2026-11-25 at 00:31:09.123 UTC\"";

    /// <summary>Reads a non-negative decimal number without leading zeros.</summary>
    public bool ReadNumber(out long value)
    {
        value = 0;
        var start = _pos;
        while (_pos < _text.Length && _text[_pos] is >= (byte)'0' and <= (byte)'9')
        {
            var digit = _text[_pos] - '0';
            if (value > (long.MaxValue - digit) / 10)
            {
                return FailAt(start, "a number no larger than 9223372036854775807");
            }

            value = (value * 10) + digit;
            _pos++;
        }

        if (_pos == start)
        {
            return Fail("a number");
        }

        return _pos - start == 1 || _text[start] != (byte)'0' || FailAt(start, "a number without leading zeros");
    }

    /// <summary>Reads <c>YYYY-MM-DD at HH:MM:SS.fff UTC</c>.</summary>
    public bool ReadTimestamp(out DateTimeOffset value)
    {
        value = default;
        var rest = _text[_pos..];
        if (rest.Length < 30
            || rest[4] != (byte)'-' || rest[7] != (byte)'-' || !rest[10..14].SequenceEqual(" at "u8)
            || rest[16] != (byte)':' || rest[19] != (byte)':' || rest[22] != (byte)'.' || !rest[26..30].SequenceEqual(" UTC"u8)
            || !Digits(rest[..4], out var year) || !Digits(rest[5..7], out var month) || !Digits(rest[8..10], out var day)
            || !Digits(rest[14..16], out var hour) || !Digits(rest[17..19], out var minute)
            || !Digits(rest[20..22], out var second) || !Digits(rest[23..26], out var millisecond))
        {
            return Fail(TimestampShape);
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return Fail($"{TimestampShape} that exists in the calendar");
        }

        var ticks = new DateTime(year, month, day).Ticks
            + (hour * TimeSpan.TicksPerHour) + (minute * TimeSpan.TicksPerMinute)
            + (second * TimeSpan.TicksPerSecond) + (millisecond * TimeSpan.TicksPerMillisecond);
        value = new DateTimeOffset(ticks, TimeSpan.Zero);
        _pos += 30;
        return true;
    }

    /// <summary>Reads <c>cache</c>, <c>standard</c> or <c>critical</c>.</summary>
    public bool ReadDurability(out string value)
    {
        value = TryConsume("cache"u8) ? EnglangDurability.Cache
            : TryConsume("standard"u8) ? EnglangDurability.Standard
            : TryConsume("critical"u8) ? EnglangDurability.Critical
            : string.Empty;
        return value.Length > 0 || Fail("\"cache\", \"standard\" or \"critical\"");
    }

    /// <summary>Reads <c>no default expiry</c> or <c>a default expiry of N second(s)</c>.</summary>
    public bool ReadDefaultTtl(out TimeSpan? value)
    {
        value = null;
        if (TryConsume("no default expiry"u8))
        {
            return true;
        }

        if (!Expect("a default expiry of "u8))
        {
            return false;
        }

        var start = _pos;
        if (!ReadNumber(out var seconds))
        {
            return false;
        }

        if (seconds > RecordRules.MaxTtlSeconds)
        {
            return FailAt(start, $"at most {RecordRules.MaxTtlSeconds} seconds");
        }

        value = TimeSpan.FromTicks(seconds * TimeSpan.TicksPerSecond);
        if (seconds == 1 && _text[_pos..].StartsWith(" seconds"u8))
        {
            return Fail("\" second\" (singular)");
        }

        return Expect(seconds == 1 ? " second"u8 : " seconds"u8);
    }

    /// <summary>Reads <c>N entries</c> (<c>1 entry</c>).</summary>
    public bool ReadCount(out long value) => ReadNumber(out value) && Expect(value == 1 ? " entry"u8 : " entries"u8);

    /// <summary>Reads 32 lowercase hex digits.</summary>
    public bool ReadDigest(out string value)
    {
        value = string.Empty;
        var rest = _text[_pos..];
        if (rest.Length < 32 || rest[..32].ContainsAnyExcept(LowerHex))
        {
            return Fail("a digest of 32 lowercase hex digits");
        }

        value = Encoding.ASCII.GetString(rest[..32]);
        _pos += 32;
        return true;
    }

    private static bool Digits(ReadOnlySpan<byte> digits, out int value)
    {
        value = 0;
        foreach (var b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return true;
    }
}
