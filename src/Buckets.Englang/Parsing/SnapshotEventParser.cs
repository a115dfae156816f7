namespace Buckets.Englang;

/// <summary>Parses the event part of a snapshot's header and footer (its entries are read as <see cref="LineEvent"/>s).</summary>
internal static class SnapshotEventParser
{
    /// <summary>Null when no snapshot event starts here; otherwise whether it parsed.</summary>
    public static bool? TryParse(ref BodyCursor c, DateTimeOffset at, string bucketId, out EnglangRecord? record)
    {
        record = null;
        if (c.TryConsume("began a snapshot as of change "u8))
        {
            if (!c.ReadNumber(out var seq) || !c.Expect(" with "u8) || !c.ReadCount(out var count)
                || !c.Expect(", "u8) || !c.ReadDurability(out var durability) || !c.Expect(" durability and "u8)
                || !c.ReadDefaultTtl(out var ttl))
            {
                return false;
            }

            record = new SnapshotHeaderRecord(at, bucketId, seq, count, durability, ttl);
            return true;
        }

        if (c.TryConsume("ended the snapshot as of change "u8))
        {
            if (!c.ReadNumber(out var seq) || !c.Expect(" with "u8) || !c.ReadCount(out var count)
                || !c.Expect(", digest "u8) || !c.ReadDigest(out var digest))
            {
                return false;
            }

            record = new SnapshotFooterRecord(at, bucketId, seq, count, digest);
            return true;
        }

        return null;
    }
}
