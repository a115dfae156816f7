using System.Text;
using CsCheck;

namespace Buckets.Englang.Tests;

/// <summary>CsCheck generators for records of every kind, with nasty keys, values and bucket ids.</summary>
internal static class Generators
{
    private static readonly string[] NastyPieces =
    [
        "\"", "\\", "\n", "\r", "\r\n", "\t", "\0", "\u0001", "\u001F", "\u007F", "\u0085", "\u009F",
        "\u061C", "\u200E", "\u2028", "\u2029", "\u202E", "\u2066", "\uFEFF", "é", "日本", "😀", "👩‍👩‍👧",
        "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\\u{41}", "\\\"", "\" (change 1). [crc 00000000]", " ",
        "On 2026-01-01 at 00:00:00.000 UTC", "the bytes (base64) \"AA==\"", "\uFFFD", "\uFFFF", "\U0010FFFF",
    ];

    private static readonly byte[][] NastyBytes =
    [
        [], [0], [0xFF], [0xC2, 0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        "\t\n\r"u8.ToArray(), [0xE2, 0x80, 0xA8], [0xEF, 0xBB, 0xBF], "\"\\"u8.ToArray(), [0xF0, 0x9F, 0x98],
        [0x7F], [(byte)'a', 0x80, (byte)'b'],
    ];

    public static readonly Gen<string> Piece = Gen.Frequency(
        (4, Gen.Char['a', 'z'].Select(c => c.ToString())),
        (3, Gen.OneOfConst(NastyPieces)),
        (1, Gen.Char.Select(c => c.ToString())));

    /// <summary>Any .NET string: ASCII, escapes, controls, emoji, unpaired surrogates.</summary>
    public static readonly Gen<string> Text = Piece.Array[0, 12].Select(string.Concat);

    public static readonly Gen<string> BucketId = Gen.Frequency(
        (3, Gen.Char["0123456789abcdef"].Array[1, 8].Select(chars => new string(chars))),
        (1, Gen.Char["ABCxyz019-_.:"].Array[1, 6].Select(chars => new string(chars))),
        (1, Text));

    /// <summary>Any bytes: random binary, UTF-8 text with nasty characters, malformed UTF-8, empty.</summary>
    public static readonly Gen<byte[]> Value = Gen.Frequency(
        (2, Gen.Byte.Array[0, 48]),
        (3, Text.Select(text => Encoding.UTF8.GetBytes(text))),
        (1, Gen.OneOfConst(NastyBytes)),
        (1, Gen.Select(Gen.OneOfConst(NastyBytes), Text, (bytes, text) => bytes.Concat(Encoding.UTF8.GetBytes(text)).ToArray())));

    /// <summary>Millisecond-precision times over the whole UTC range, some with a non-zero offset.</summary>
    public static readonly Gen<DateTimeOffset> Time = Gen.Frequency(
        (4, Gen.Long[DateTimeOffset.MinValue.UtcTicks / TimeSpan.TicksPerMillisecond, DateTimeOffset.MaxValue.UtcTicks / TimeSpan.TicksPerMillisecond]
            .Select(ms => new DateTimeOffset(ms * TimeSpan.TicksPerMillisecond, TimeSpan.Zero))),
        (1, Gen.Select(Gen.Long[0, 200L * 365 * 24 * 3600 * 1000], Gen.Int[-14 * 60, 14 * 60], (ms, minutes) =>
            new DateTimeOffset(new DateTime(1950, 1, 1).Ticks + (ms * TimeSpan.TicksPerMillisecond), TimeSpan.Zero)
                .ToOffset(TimeSpan.FromMinutes(minutes)))));

    public static readonly Gen<DateTimeOffset?> MaybeTime = Time.Nullable(0.3);

    public static readonly Gen<long> Seq = Gen.Frequency((3, Gen.Long[0, 1000]), (1, Gen.Long[0, long.MaxValue]));

    public static readonly Gen<TimeSpan?> DefaultTtl = Gen.Frequency(
        (3, Gen.Long[0, 100_000]),
        (1, Gen.Long[0, TimeSpan.MaxValue.Ticks / TimeSpan.TicksPerSecond]))
        .Select(seconds => TimeSpan.FromTicks(seconds * TimeSpan.TicksPerSecond))
        .Nullable(0.3);

    public static readonly Gen<string> Durability = Gen.OneOfConst(EnglangDurability.Cache, EnglangDurability.Standard, EnglangDurability.Critical);

    public static readonly Gen<string> Digest = Gen.Byte.Array[16].Select(bytes => Convert.ToHexStringLower(bytes));

    public static readonly Gen<EnglangRecord> Set = Gen.Select(Time, BucketId, Seq, Text, Value, MaybeTime,
        (at, bucket, seq, key, value, expires) => (EnglangRecord)new SetRecord(at, bucket, seq, key, value, expires));

    /// <summary>Deletions, removals at expiry with their deadline, and removals at expiry written before deadlines were.</summary>
    public static readonly Gen<EnglangRecord> Delete = Gen.Select(Time, BucketId, Seq, Text, Gen.Int[0, 2], Time,
        (at, bucket, seq, key, shape, deadline) => (EnglangRecord)new DeleteRecord(at, bucket, seq, key, Expired: shape > 0, Deadline: shape == 2 ? deadline : null));

    public static readonly Gen<EnglangRecord> Expire = Gen.Select(Time, BucketId, Seq, Text, MaybeTime,
        (at, bucket, seq, key, expires) => (EnglangRecord)new ExpireRecord(at, bucket, seq, key, expires));

    public static readonly Gen<EnglangRecord> Policy = Gen.Select(Time, BucketId, Seq, Durability, DefaultTtl,
        (at, bucket, seq, durability, ttl) => (EnglangRecord)new PolicyRecord(at, bucket, seq, durability, ttl));

    public static readonly Gen<EnglangRecord> Erase = Gen.Select(Time, BucketId, Seq,
        (at, bucket, seq) => (EnglangRecord)new EraseRecord(at, bucket, seq));

    public static readonly Gen<EnglangRecord> Clear = Gen.Select(Time, BucketId, Seq,
        (at, bucket, seq) => (EnglangRecord)new ClearRecord(at, bucket, seq));

    public static readonly Gen<EnglangRecord> SnapshotHeader = Gen.Select(Time, BucketId, Seq, Seq, Durability, DefaultTtl,
        (at, bucket, seq, count, durability, ttl) => (EnglangRecord)new SnapshotHeaderRecord(at, bucket, seq, count, durability, ttl));

    public static readonly Gen<EnglangRecord> SnapshotEntry = Gen.Select(Time, BucketId, Text, Value, MaybeTime, Seq,
        (at, bucket, key, value, expires, version) => (EnglangRecord)new SnapshotEntryRecord(at, bucket, key, value, expires, version));

    public static readonly Gen<EnglangRecord> SnapshotFooter = Gen.Select(Time, BucketId, Seq, Seq, Digest,
        (at, bucket, seq, count, digest) => (EnglangRecord)new SnapshotFooterRecord(at, bucket, seq, count, digest));

    /// <summary>A record of any kind.</summary>
    public static readonly Gen<EnglangRecord> Record = Gen.OneOf(
        Set, Delete, Expire, Policy, Erase, Clear, SnapshotHeader, SnapshotEntry, SnapshotFooter);
}
