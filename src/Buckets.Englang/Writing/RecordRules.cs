using System.Buffers.Text;

namespace Buckets.Englang;

/// <summary>Checks that a record can be written, and bounds the size of its line.</summary>
internal static class RecordRules
{
    /// <summary>Room for everything in a line except the bucket id, key and value.</summary>
    private const int FixedBytes = 512;

    /// <summary>The largest default TTL in seconds that a <see cref="TimeSpan"/> can hold.</summary>
    public const long MaxTtlSeconds = long.MaxValue / TimeSpan.TicksPerSecond;

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="record"/> cannot be represented.</summary>
    public static void Validate(EnglangRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (Problem(record) is { } problem)
        {
            throw new ArgumentException(problem, nameof(record));
        }
    }

    /// <summary>An upper bound on the UTF-8 length of the record's line (checksum and line feed included).</summary>
    public static int MaxLineBytes(EnglangRecord record) => record switch
    {
        SetRecord set => MaxLineBytes(record.BucketId, set.Key.Length, set.Value.Length),
        DeleteRecord delete => MaxLineBytes(record.BucketId, delete.Key.Length, 0),
        ExpireRecord expire => MaxLineBytes(record.BucketId, expire.Key.Length, 0),
        SnapshotEntryRecord entry => MaxLineBytes(record.BucketId, entry.Key.Length, entry.Value.Length),
        _ => checked(FixedBytes + QuotedBytes(record.BucketId.Length)),
    };

    /// <summary>An upper bound on the UTF-8 length of a line with a key of <paramref name="keyChars"/> UTF-16 chars and a value of <paramref name="valueBytes"/> bytes.</summary>
    public static int MaxLineBytes(string bucketId, int keyChars, int valueBytes) =>
        checked(FixedBytes + QuotedBytes(bucketId.Length) + QuotedBytes(keyChars) + ValueBytes(valueBytes));

    // A UTF-16 char never takes more than 8 bytes written (\u{D800}); a value byte never more than
    // 3.5 (U+061C is two bytes and 7 escaped), and base64 needs 4 bytes per 3.
    private static int QuotedBytes(int chars) => checked((chars * 8) + 2);

    private static int ValueBytes(int bytes) =>
        checked(Math.Max(bytes * 4, Base64.GetMaxEncodedToUtf8Length(bytes)) + 32);

    private static string? Problem(EnglangRecord record)
    {
        if (record.BucketId is null)
        {
            return "BucketId must not be null.";
        }

        if (record is ISequencedRecord { Seq: < 0 } sequenced)
        {
            return $"Seq must not be negative (it is {sequenced.Seq}).";
        }

        return record switch
        {
            SetRecord set => KeyAndValue(set.Key, set.Value),
            DeleteRecord delete => Key(delete.Key)
                ?? (delete.Deadline is not null && !delete.Expired ? "Deadline is written only for a deletion as it expired." : null),
            ExpireRecord expire => Key(expire.Key),
            PolicyRecord policy => Policy(policy.Durability, policy.DefaultTtl),
            SnapshotHeaderRecord header => Count(header.EntryCount) ?? Policy(header.Durability, header.DefaultTtl),
            SnapshotEntryRecord entry => KeyAndValue(entry.Key, entry.Value)
                ?? (entry.Version < 0 ? $"Version must not be negative (it is {entry.Version})." : null),
            SnapshotFooterRecord footer => Count(footer.EntryCount) ?? Digest(footer.Digest),
            EraseRecord or ClearRecord => null,
            _ => $"Unknown record type {record.GetType().Name}.",
        };
    }

    private static string? Key(string? key) => key is null ? "Key must not be null." : null;

    private static string? KeyAndValue(string? key, byte[]? value) =>
        Key(key) ?? (value is null ? "Value must not be null." : null);

    private static string? Count(long count) =>
        count < 0 ? $"EntryCount must not be negative (it is {count})." : null;

    private static string? Policy(string? durability, TimeSpan? defaultTtl)
    {
        if (!EnglangDurability.IsValid(durability))
        {
            return $"Durability must be \"cache\", \"standard\" or \"critical\" (it is \"{durability}\").";
        }

        return defaultTtl is { } ttl && (ttl < TimeSpan.Zero || ttl.Ticks % TimeSpan.TicksPerSecond != 0)
            ? $"DefaultTtl must be a non-negative whole number of seconds (it is {ttl})."
            : null;
    }

    private static string? Digest(string? digest) =>
        digest is null || digest.Length != 32 || !digest.All(c => char.IsAsciiDigit(c) || char.IsAsciiHexDigitLower(c))
            ? $"Digest must be 32 lowercase hex digits (it is \"{digest}\")."
            : null;
}
